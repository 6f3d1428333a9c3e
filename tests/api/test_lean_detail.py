"""The lean routes of the script detail and of a sequence's due (site_config/lean_api.py)
answer exactly as ninja's routes do: status, the headers a bot reads and the body, for every
case a bot meets."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import resolve

from core import local
from site_config import lean_api
from tests.content.factories import ChatScriptFactory, MomentScriptFactory
from tests.sequences.camp import CAMP
from tests.sequences.factories import SequenceFactory, day

pytestmark = pytest.mark.django_db

HEADERS = ("Content-Type", "ETag", "Vary", "WWW-Authenticate", "Allow", "Retry-After")


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


def test_the_lean_routes_serve_the_detail_and_due():
    assert resolve("/api/v1/scripts/7/").func is lean_api.script_detail
    assert resolve("/api/v1/sequences/camp/due").func is lean_api.sequence_due


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


def test_every_due_case_answers_as_ninja_does(client, settings, bot, xiaomei, outsider):
    script = ChatScriptFactory(persona=xiaomei, messages=[("text", "今晚直播")])
    steps = CAMP["steps"]()
    steps[21] = day(7, "20:00", script=script, title="直播")
    fields = {k: v for k, v in CAMP.items() if k != "steps"}
    SequenceFactory(persona=xiaomei, slug="camp", steps=steps, **fields)
    SequenceFactory(persona=outsider, slug="hidden", steps=CAMP["steps"](), **fields)
    token = {"HTTP_AUTHORIZATION": f"Bearer {bot.token}"}
    start = "2027-03-01T00:00:00+08:00"

    def due(slug="camp", headers=token, **query):
        return lambda c: c.get(f"/api/v1/sequences/{slug}/due", query, **headers)

    def raw(query):
        return lambda c: c.get(f"/api/v1/sequences/camp/due?{query}", **token)

    cases = {
        "one step": due(started_at=start, since="2027-03-02T07:00:00+08:00",
                        now="2027-03-02T08:00:00+08:00"),
        "nothing due": due(started_at=start, since="2027-03-02T09:00:00+08:00",
                           now="2027-03-02T10:00:00+08:00"),
        "a live (script)": due(started_at=start, since="2027-03-07T19:00:00+08:00",
                               now="2027-03-07T21:00:00+08:00"),
        "utc and fractions": due(started_at="2027-02-28T16:00:00Z",
                                 now="2027-03-02T00:00:00.250+00:00"),
        "no seconds": due(started_at="2027-03-01T00:00+08:00", now="2027-03-03T00:00+08:00"),
        "since defaults": due(started_at=start, now="2027-03-05T12:00:00+08:00"),
        "now defaults": due(started_at=start),
        "no offset": due(started_at="2027-03-01T00:00:00"),
        "date only": due(started_at="2027-03-01"),
        "not a date": due(started_at="2027-02-31T00:00:00+08:00"),
        "now before start": due(started_at=start, now="2027-02-01T00:00:00+08:00"),
        "since after now": due(started_at=start, since="2027-03-03T00:00:00+08:00",
                               now="2027-03-02T00:00:00+08:00"),
        "no started_at": due(now="2027-03-02T00:00:00+08:00"),
        "unknown parameter": due(started_at=start, persna="x"),
        "variables": due(started_at=start, variables='{"nickname": "小雨"}'),
        "repeated": lambda c: c.get(
            f"/api/v1/sequences/camp/due?started_at={start}&started_at={start}".replace("+", "%2B"),
            **token,
        ),
        # Query strings as a bot's own HTTP code may write them (read as QueryDict reads them).
        "unencoded plus": raw("started_at=2027-03-01T00:00:00+08:00"),
        "blank value": raw("started_at="),
        "no equals sign": raw("started_at"),
        "encoded name, empty parts": raw(
            "&%73tarted_at=2027-03-01T00%3A00%2B08%3A00&&now=2027-03-02T08%3A00%3A00Z&"
        ),
        "other digits": due(started_at="٢٠٢٧-03-01T00:00:00+08:00"),
        "unknown sequence": due("nope", started_at=start),
        "out of scope": due("hidden", started_at=start),
        "no token": due(headers={}, started_at=start),
        "bad token": due(headers={"HTTP_AUTHORIZATION": "Bearer siyu_x"}, started_at=start),
        "head": lambda c: c.head("/api/v1/sequences/camp/due", {"started_at": start}, **token),
    }  # fmt: skip
    for name, send in cases.items():
        lean, ninja = both(client, settings, send)
        assert lean == ninja, name
    # The plain cases are answered by the lean route itself, not handed to ninja.
    settings.API_LEAN_PATHS = True
    handed = []
    lean_api._ninja_view.cache_clear()
    original = lean_api._ninja_view
    lean_api._ninja_view = lambda name: handed.append(name) or original(name)
    try:
        plain = ("one step", "nothing due", "a live (script)", "utc and fractions",
                 "no seconds", "since defaults", "now defaults", "now before start",
                 "encoded name, empty parts")  # fmt: skip
        for name in plain:
            cases[name](client)
        assert handed == []
        cases["no offset"](client)
        assert handed == ["sequence_due"]
    finally:
        lean_api._ninja_view = original
    assert both(client, settings, cases["encoded name, empty parts"])[0][0] == 200
    for name in ("unencoded plus", "blank value", "no equals sign", "other digits"):
        assert both(client, settings, cases[name])[0][0] == 422, name
    one = both(client, settings, cases["one step"])[0]
    answer = json.loads(one[2])
    assert one[0] == 200 and len(answer["items"]) == 1 and answer["items"] == answer["steps"]
    etag = one[1]["ETag"]
    send = cases["one step"]
    lean, ninja = both(client, settings, lambda c: send(_with_etag(c, etag)))
    assert lean == ninja and lean[0] == 304


class _with_etag:
    """A test client whose GETs send If-None-Match."""

    def __init__(self, client, etag):
        self.client, self.etag = client, etag

    def get(self, *args, **headers):
        return self.client.get(*args, HTTP_IF_NONE_MATCH=self.etag, **headers)
