"""The token check cached in a shared cache (bots/credentials.py): a revoked client or a changed
scope is seen at the next request of every process; with a per-process cache nothing is cached.

"Two processes" are two cache clients on one throwaway Redis (tests/outages/services.py): the
second one never saw the change being made, as another gunicorn worker would not."""

from __future__ import annotations

import pytest
from django.core.cache.backends.redis import RedisCache

from bots import credentials
from bots.models import BotClient
from tests.api.conftest import Api, body
from tests.conftest import THROWAWAY_REDIS_PREFIX
from tests.content.factories import MomentScriptFactory
from tests.personas.factories import PersonaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_process(redis, monkeypatch):
    """Runs a callable as another worker would: its own connection to the same Redis."""
    other = RedisCache(redis.url, {"KEY_PREFIX": THROWAWAY_REDIS_PREFIX})

    def run(function, *args):
        from django.core.cache import cache as own

        monkeypatch.setattr(credentials, "cache", other)
        try:
            return function(*args)
        finally:
            monkeypatch.setattr(credentials, "cache", own)

    return run


def test_a_shared_cache_answers_the_token_check_without_the_database(
    redis, other_process, django_assert_num_queries
):
    client, token = BotClient.create("bot", all_personas=True)
    with django_assert_num_queries(1):
        assert BotClient.authenticate(token) == client
    with django_assert_num_queries(0):
        assert other_process(BotClient.authenticate, token) == client
        assert BotClient.authenticate(token) == client


def test_a_revoked_client_is_refused_at_the_next_request_of_another_process(
    redis, other_process, client
):
    persona = PersonaFactory(slug="xiaomei")
    script = MomentScriptFactory(persona=persona)
    bot, token = BotClient.create("bot", all_personas=True)
    api = Api(client, token)
    assert api.get(f"scripts/{script.pk}/").status_code == 200
    assert other_process(BotClient.authenticate, token) == bot  # cached in "both"
    bot.revoke()
    assert other_process(BotClient.authenticate, token) is None
    assert api.get(f"scripts/{script.pk}/").status_code == 401


def test_a_scope_change_is_seen_at_the_next_request(redis, other_process, client):
    xiaomei, drlin = PersonaFactory(slug="xiaomei"), PersonaFactory(slug="dr-lin")
    bot, token = BotClient.create("bot", personas=[xiaomei])
    api = Api(client, token)
    assert [p["slug"] for p in body(api.get("personas/"))["items"]] == ["xiaomei"]
    bot.personas.set([drlin])
    seen = other_process(BotClient.authenticate, token)
    assert seen.in_scope(drlin.pk) and not seen.in_scope(xiaomei.pk)
    assert [p["slug"] for p in body(api.get("personas/"))["items"]] == ["dr-lin"]
    bot.all_personas = True
    bot.save()
    assert {p["slug"] for p in body(api.get("personas/"))["items"]} == {"xiaomei", "dr-lin"}


def test_a_lost_version_is_not_trusted(redis, django_assert_num_queries):
    bot, token = BotClient.create("bot", all_personas=True)
    BotClient.authenticate(token)
    from django.core.cache import cache

    cache.delete(credentials.VERSION_KEY)  # evicted, or Redis restarted with its data
    with django_assert_num_queries(1):
        assert BotClient.authenticate(token) == bot


def test_without_a_shared_cache_every_check_reads_the_database(settings, django_assert_num_queries):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    bot, token = BotClient.create("bot", all_personas=True)
    BotClient.authenticate(token)
    with django_assert_num_queries(1):
        assert BotClient.authenticate(token) == bot
    bot.revoke()
    assert BotClient.authenticate(token) is None


def test_the_cached_row_holds_every_field_of_a_client_in_order():
    """The cached row builds the client as a queryset would (``from_db``): a field added to
    BotClient must be added to credentials.FIELDS too."""
    assert tuple(f.attname for f in BotClient._meta.concrete_fields) == credentials.FIELDS
