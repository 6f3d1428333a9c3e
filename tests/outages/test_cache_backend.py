"""core.cache.RedisCache: a Redis that failed is left alone for a few seconds (the callers fail
open at once instead of each waiting for it), then asked again; other Redis servers the process
uses are not affected."""

from __future__ import annotations

import pytest
from redis import exceptions as redis_errors

from core import cache as resilient

from .services import free_port

OPTIONS = {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}


@pytest.fixture
def unreachable():
    location = f"redis://127.0.0.1:{free_port()}/0"
    yield resilient.RedisCache(location, OPTIONS)
    resilient.down_until.pop(location, None)


def test_after_a_failure_redis_is_not_asked_again_until_the_pause_ends(unreachable, monkeypatch):
    with pytest.raises(redis_errors.ConnectionError) as first:
        unreachable.get("key")
    assert "not asked again" not in str(first.value)  # a real attempt

    calls = []
    with monkeypatch.context() as patch:
        patch.setattr(resilient.DjangoRedisCache, "_cache", property(lambda s: calls.append(1)))
        for method, args in (("get", ("key",)), ("incr", ("key",)), ("set", ("key", 1))):
            with pytest.raises(redis_errors.ConnectionError, match="not asked again"):
                getattr(unreachable, method)(*args)
    assert calls == []  # no connection was even looked up

    other = resilient.RedisCache(f"redis://127.0.0.1:{free_port()}/0", OPTIONS)
    with pytest.raises(redis_errors.ConnectionError) as elsewhere:
        other.get("key")  # another server is asked
    assert "not asked again" not in str(elsewhere.value)
    resilient.down_until.pop(other._servers[0], None)

    resilient.down_until[unreachable._servers[0]] = 0.0  # the pause is over
    with pytest.raises(redis_errors.ConnectionError) as again:
        unreachable.get("key")
    assert "not asked again" not in str(again.value)
