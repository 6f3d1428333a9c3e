"""Fixtures shared by the outage tests: content and a bot client in whatever database is the
default at the time (the test database, or one of services.py's throwaway databases)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from bots.auth import _last_used_blocked, _last_used_written
from bots.models import BotClient
from tests.api.conftest import Api


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()
    _last_used_blocked.clear()  # pks repeat across the throwaway databases
    _last_used_written.clear()


def make_content():
    """A published persona with a script, and a bot that sees them; returns (api-less) parts."""
    from tests.content.factories import MomentScriptFactory
    from tests.personas.factories import PersonaFactory

    persona = PersonaFactory(slug="xiaomei", name="小美")
    script = MomentScriptFactory(persona=persona, title="会员日福利")
    bot, token = BotClient.create("outage-bot", all_personas=True)
    return persona, script, bot, token


def event_body(script) -> dict:
    return {"events": [{"script": script.pk, "type": "sent"}]}


@pytest.fixture
def anonymous(client):
    return Api(client, None)


@pytest.fixture
def whoosh_search(tmp_path, settings):
    """Search on a Whoosh index of the test's own: the database backend picks its SQL by the
    database vendor once per process, which a test that swaps databases must not depend on."""
    path = tmp_path / "whoosh"
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.whoosh", "PATH": str(path), "AUTO_UPDATE": True}
    }
    return path
