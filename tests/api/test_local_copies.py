"""Answers without round trips: with a shared cache, a repeated detail, its 304, render, the
list and a persona are answered from copies kept in the process (core/local.py) under the
delivery generation, which the token check reads in its own round trip — and a change made
anywhere (another process included) shows at the next request. The rate limit counts in one
round trip (core/cache.py RedisCache.count) and still refuses at the limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from content.models import Script
from core import generation, local
from core.throttle import usage
from tests.content.factories import MomentScriptFactory

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db

OURS = "core.cache.RedisCache"


@pytest.fixture
def shared_cache(redis, settings):
    """Our Redis backend (the one production uses) on the throwaway Redis."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "BACKEND": OURS},
    }
    cache.clear()
    yield redis
    cache.clear()


def test_repeated_reads_need_no_sql_and_changes_show_at_once(
    shared_cache, api, xiaomei, django_assert_num_queries
):
    script = MomentScriptFactory(persona=xiaomei, title="会员日")
    path = f"scripts/{script.pk}/"
    first = api.get(path)
    assert first.status_code == 200
    api.post(f"{path}render", {"variables": {}})
    api.get("personas/xiaomei/")
    with django_assert_num_queries(0):
        again = api.get(path)
        not_modified = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        rendered = api.post(f"{path}render", {"variables": {}})
        persona = api.get("personas/xiaomei/")
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert not_modified.status_code == 304
    assert rendered.status_code == 200 and body(rendered)["title"] == "会员日"
    assert persona.status_code == 200 and body(persona)["slug"] == "xiaomei"

    # Another process saves the row and bumps the shared generation: this process's copies
    # are never asked again.
    Script.objects.filter(pk=script.pk).update(title="会员日改", updated_at=timezone.now())
    generation.bump()
    changed = api.get(path)
    assert body(changed)["title"] == "会员日改" and changed["ETag"] != first["ETag"]
    assert body(api.post(f"{path}render", {"variables": {}}))["title"] == "会员日改"
    script.refresh_from_db()
    script.unpublish()
    assert_problem(api.get(path), 404, "not_found")


def test_a_revoked_client_is_refused_though_its_answers_are_kept(shared_cache, api, bot, xiaomei):
    script = MomentScriptFactory(persona=xiaomei)
    assert api.get(f"scripts/{script.pk}/").status_code == 200
    bot.revoke()
    assert_problem(api.get(f"scripts/{script.pk}/"), 401)


@pytest.mark.parametrize("backend", ["ours", "django"])
def test_the_rate_limit_refuses_past_the_limit_in_one_window(
    backend, redis, settings, api, xiaomei
):
    if backend == "ours":
        settings.CACHES = {
            **settings.CACHES,
            "default": {**settings.CACHES["default"], "BACKEND": OURS},
        }
    cache.clear()
    settings.API_RATE_LIMIT = "3/m"
    for _ in range(3):
        assert api.get("personas/").status_code == 200
    refused = api.get("personas/")
    assert_problem(refused, 429, "rate_limited")
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_counters_are_per_key_and_windows_end_within_the_period(settings):
    found = [usage("test", "a", "2/m") for _ in range(3)]
    assert [u.count for u in found] == [1, 2, 3] and [u.over for u in found] == [False, False, True]
    assert all(0 < u.time_left <= 60 for u in found)
    assert usage("test", "b", "2/m").count == 1  # another key has its own count
    assert usage("test", "a", "2/m", amount=0).count == 3  # looking does not count
    assert usage("test", "a", "5/15m").limit == 5 and usage("test", "a", "5/15m").time_left <= 900


def test_the_local_store_stays_within_its_byte_limit(settings):
    settings.LOCAL_CACHE_BYTES = 10_000
    local.clear()
    for number in range(100):
        local.put(("body", number), b"x" * 1000, 1000)
    kept = [number for number in range(100) if local.get(("body", number)) is not None]
    assert 0 < len(kept) <= 10 and kept == list(range(100 - len(kept), 100))  # the newest
    local.put("huge", b"x" * 20_000, 20_000)
    assert local.get("huge") is None  # larger than the whole store: not kept
    local.clear()


def test_without_a_shared_cache_a_repeated_detail_costs_one_statement(
    api, xiaomei, django_assert_num_queries, settings
):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    script = MomentScriptFactory(persona=xiaomei, title="会员日")
    path = f"scripts/{script.pk}/"
    first = api.get(path)
    api.post(f"{path}render", {"variables": {}})
    # The token check, which reads the delivery generation in the same statement.
    with django_assert_num_queries(1):
        assert api.get(path).content == first.content
    with django_assert_num_queries(1):
        assert api.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_assert_num_queries(1):
        assert api.post(f"{path}render", {"variables": {}}).status_code == 200
    script.title = "会员日改"
    script.save_revision().publish()
    assert body(api.get(path))["title"] == "会员日改"


def test_values_and_count_in_one_command_survive_a_script_flush_and_a_refusal(
    shared_cache, monkeypatch
):
    """get_many_and_count runs a script kept in Redis: Redis forgetting it (a restart, SCRIPT
    FLUSH) loads it again; a Redis that refuses scripts gets the pipeline, same answers."""
    from redis.exceptions import NoPermissionError

    from core import cache as ours

    cache.set_many({"a": (1, "甲"), "b": 2})
    assert cache.get_many_and_count(["a", "b", "c"], "n", 1, 60) == ({"a": (1, "甲"), "b": 2}, 1)
    cache._cache.get_client(write=True).script_flush()
    assert cache.get_many_and_count(["a", "c"], "n", 2, 60) == ({"a": (1, "甲")}, 3)
    assert cache.get_many_and_count([], "m", 1, 60) == ({}, 1)
    assert getattr(cache, "_scripts", True) is True  # all of these ran the script

    def refused(*_args):
        raise NoPermissionError("this user has no permissions to run the 'evalsha' command")

    monkeypatch.setattr(ours, "run_script", refused)
    assert cache.get_many_and_count(["b", "c"], "n", 1, 60) == ({"b": 2}, 4)
    assert cache.get_many_and_count([], "m", 5, 60) == ({}, 6)
    assert cache._scripts is False  # not asked again in this process
    ttl = cache._cache.get_client().ttl(cache.make_and_validate_key("n"))
    assert 0 < ttl <= 60
