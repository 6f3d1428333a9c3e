"""core.cache.RedisCache: a Redis that failed is left alone for a few seconds (the callers fail
open at once instead of each waiting for it), then asked again."""

from __future__ import annotations

import pytest
from redis import exceptions as redis_errors

from core import cache as resilient

from .services import free_port


@pytest.fixture
def unreachable(monkeypatch):
    monkeypatch.setitem(resilient._state, "down_until", 0.0)
    backend = resilient.RedisCache(
        f"redis://127.0.0.1:{free_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )
    return backend


def test_after_a_failure_redis_is_not_asked_again_until_the_pause_ends(unreachable, monkeypatch):
    with pytest.raises(redis_errors.ConnectionError) as first:
        unreachable.get("key")
    assert "not asked again" not in str(first.value)  # a real attempt

    calls = []
    monkeypatch.setattr(
        resilient.DjangoRedisCache, "_cache", property(lambda self: calls.append(1))
    )
    for method, args in (("get", ("key",)), ("incr", ("key",)), ("set", ("key", 1))):
        with pytest.raises(redis_errors.ConnectionError, match="not asked again"):
            getattr(unreachable, method)(*args)
    assert calls == []  # no connection was even looked up

    monkeypatch.setitem(resilient._state, "down_until", 0.0)  # the pause is over
    monkeypatch.undo()
    with pytest.raises(redis_errors.ConnectionError) as again:
        unreachable.get("key")
    assert "not asked again" not in str(again.value)
