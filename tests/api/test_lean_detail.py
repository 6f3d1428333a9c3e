"""The lean route of the script detail (site_config/lean_api.py) answers exactly as ninja's
route does: status, the headers a bot reads and the body, for every case a bot meets."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import resolve

from core import local
from site_config import lean_api
from tests.content.factories import MomentScriptFactory

pytestmark = pytest.mark.django_db

HEADERS = ("Content-Type", "ETag", "Vary", "WWW-Authenticate", "Allow")


def answer(response) -> tuple:
    return (
        response.status_code,
        {name: response.get(name) for name in HEADERS},
        response.content,
    )


def both(client, settings, send) -> tuple:
    """`send(client)` through the lean route, then through ninja's, from the same state."""
    out = []
    for lean in (True, False):
        settings.API_LEAN_PATHS = lean
        cache.clear()
        local.clear()
        out.append(answer(send(client)))
    return tuple(out)


def test_the_lean_route_serves_plain_gets_of_the_detail():
    assert resolve("/api/v1/scripts/7/").func is lean_api.script_detail


def test_every_case_answers_as_ninja_does(client, settings, bot, xiaomei, outsider):
    script = MomentScriptFactory(persona=xiaomei, title="会员日")
    hidden = MomentScriptFactory(persona=outsider, title="外人的")
    token = {"HTTP_AUTHORIZATION": f"Bearer {bot.token}"}
    path = f"/api/v1/scripts/{script.pk}/"
    etag = client.get(path, **token)["ETag"]
    cases = {
        "200": lambda c: c.get(path, **token),
        "304": lambda c: c.get(path, HTTP_IF_NONE_MATCH=etag, **token),
        "other etag": lambda c: c.get(path, HTTP_IF_NONE_MATCH='"nope"', **token),
        "unknown id": lambda c: c.get("/api/v1/scripts/999999/", **token),
        "out of scope": lambda c: c.get(f"/api/v1/scripts/{hidden.pk}/", **token),
        "id too large": lambda c: c.get(f"/api/v1/scripts/{10**12}/", **token),
        "no token": lambda c: c.get(path),
        "bad token": lambda c: c.get(path, HTTP_AUTHORIZATION="Bearer siyu_nope"),
        "not bearer": lambda c: c.get(path, HTTP_AUTHORIZATION=f"Token {bot.token}"),
        "unknown parameter": lambda c: c.get(path, {"persna": "x"}, **token),
        "head": lambda c: c.head(path, **token),
        "post": lambda c: c.post(path, {}, content_type="application/json", **token),
    }
    for name, send in cases.items():
        lean, ninja = both(client, settings, send)
        assert lean == ninja, name
    unchanged = both(client, settings, cases["200"])[0]
    assert unchanged[0] == 200 and "会员日".encode() in unchanged[2]


def test_the_rate_limit_and_revocation_hold_on_the_lean_route(client, settings, bot, xiaomei):
    script = MomentScriptFactory(persona=xiaomei)
    token = {"HTTP_AUTHORIZATION": f"Bearer {bot.token}"}
    path = f"/api/v1/scripts/{script.pk}/"
    settings.API_RATE_LIMIT = "2/m"
    for lean in (True, False):
        settings.API_LEAN_PATHS = lean
        cache.clear()
        assert [client.get(path, **token).status_code for _ in range(3)] == [200, 200, 429]
    settings.API_RATE_LIMIT = "100/m"
    settings.API_LEAN_PATHS = True
    cache.clear()
    assert client.get(path, **token).status_code == 200
    bot.revoke()
    assert client.get(path, **token).status_code == 401
