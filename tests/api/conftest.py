"""Fixtures for the delivery API: a bot client with a token and a caller that sends it."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from bots.models import BotClient
from sequences import parsed, window
from tests.personas.factories import PersonaFactory

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    parsed.clear()  # the per-process cache of parsed sequences (ids are reused across tests)
    window.clear()  # and of the pieces of `due` answers
    yield
    cache.clear()


class Api:
    """A test client that calls /api/v1/ with a bearer token and decodes JSON."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def _headers(self, headers):
        out = dict(headers or {})
        if self.token is not None and "HTTP_AUTHORIZATION" not in out:
            out["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        return out

    def get(self, path, params=None, **headers):
        return self.client.get(f"/api/v1/{path}", params or {}, **self._headers(headers))

    def post(self, path, body=None, raw=None, content_type="application/json", **headers):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            f"/api/v1/{path}", data, content_type=content_type, **self._headers(headers)
        )

    def as_token(self, token):
        return Api(self.client, token)


def body(response):
    return json.loads(response.content)


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    doc = body(response)
    assert doc["status"] == status and doc["title"] and doc["detail"] and doc["type"]
    if code:
        assert doc["code"] == code
    return doc


@pytest.fixture
def xiaomei():
    return PersonaFactory(slug="xiaomei", name="小美")


@pytest.fixture
def dr_lin():
    return PersonaFactory(slug="dr-lin", name="林医生", archetype="domain_expert")


@pytest.fixture
def outsider():
    """A published persona the bot is not allowed to see."""
    return PersonaFactory(slug="outsider", name="外人")


@pytest.fixture
def bot(xiaomei, dr_lin, outsider):
    client, token = BotClient.create("wecom-bot", personas=[xiaomei, dr_lin])
    client.token = token
    return client


@pytest.fixture
def api(client, bot):
    return Api(client, bot.token)


@pytest.fixture
def anonymous(client):
    return Api(client, None)
