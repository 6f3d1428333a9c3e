"""Authentication, rate limits and the error format shared by every endpoint (API.md)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bots.models import BotClient

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db


def test_health_needs_no_token(anonymous):
    response = anonymous.get("health")
    assert response.status_code == 200
    assert body(response) == {"status": "ok", "checks": HEALTHY}


HEALTHY = {
    "database": "ok",
    "database_write": "ok",
    "cache": "ok",
    "search": "ok",
    "search_scripts": "ok",
    "search_personas": "ok",
    "search_hot_topics": "ok",
    "search_sequences": "ok",
    "search_calendar_entries": "ok",
}


def test_health_reports_the_failing_dependency_with_503(anonymous, monkeypatch):
    monkeypatch.setattr("site_config.health.cache_round_trip", lambda: "error")
    response = anonymous.get("health")
    doc = assert_problem(response, 503, "unavailable")
    assert doc["checks"] == {**HEALTHY, "cache": "error"}
    assert "cache" in doc["detail"]
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize(
    "path", ["personas/", "scripts/", "calendar/", "hot-topics/", "search/?q=x"]
)
def test_every_endpoint_but_health_needs_a_token(anonymous, path):
    response = anonymous.get(path)
    assert_problem(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_expired_and_revoked_tokens_get_401(api, bot):
    assert api.get("personas/").status_code == 200
    assert_problem(api.as_token("siyu_wrong-token").get("personas/"), 401)
    assert_problem(api.get("personas/", HTTP_AUTHORIZATION="Basic abc"), 401)
    bot.expires_at = timezone.now() - timedelta(seconds=1)
    bot.save()
    assert_problem(api.get("personas/"), 401)
    bot.expires_at = None
    bot.save()
    assert api.get("personas/").status_code == 200
    bot.revoke()
    response = api.get("personas/")
    assert_problem(response, 401)
    assert "invalid_token" in response["WWW-Authenticate"]


def test_last_used_is_recorded(api, bot):
    assert bot.last_used_at is None
    api.get("personas/")
    bot.refresh_from_db()
    assert bot.last_used_at is not None


def test_unknown_paths_and_methods_are_problem_documents(api):
    assert_problem(api.get("nothing-here/"), 404, "not_found")
    assert_problem(api.get("scripts/999999/"), 404, "not_found")
    assert_problem(api.get("scripts/abc/"), 404)
    response = api.client.delete("/api/v1/personas/", HTTP_AUTHORIZATION=f"Bearer {api.token}")
    assert_problem(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"
    assert_problem(api.client.get("/api/v2/scripts/"), 404)


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": 101}, ["query", "limit"]),
        ({"limit": "many"}, ["query", "limit"]),
        ({"offset": -1}, ["query", "offset"]),
        ({"kind": "poster"}, ["query", "kind"]),
        ({"stage": "buy"}, ["query", "stage"]),
        ({"updated_since": "yesterday"}, ["query", "updated_since"]),
    ],
)
def test_invalid_parameters_get_422_naming_the_parameter(api, params, loc):
    doc = assert_problem(api.get("scripts/", params), 422, "validation_error")
    assert [error["loc"] for error in doc["errors"]] == [loc]
    assert all(error["message"] for error in doc["errors"])


def test_chinese_is_returned_as_characters(api):
    response = api.get("personas/xiaomei/")
    assert "小美".encode() in response.content
    assert b"\\u" not in response.content
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("rate", ["3/m"])
def test_rate_limit_per_client_with_retry_after(api, bot, settings, rate, xiaomei):
    settings.API_RATE_LIMIT = rate
    for _ in range(3):
        assert api.get("personas/").status_code == 200
    response = api.get("personas/")
    assert_problem(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another client has its own budget; health is never limited.
    _other, token = BotClient.create("other-bot", personas=[xiaomei])
    assert api.as_token(token).get("personas/").status_code == 200
    assert api.as_token(None).get("health").status_code == 200


def test_odd_but_valid_offsets_and_far_dates(api):
    assert api.get("scripts/", {"updated_since": "2040-12-29T06:52:11+17:01"}).status_code == 200
    assert_problem(api.get("scripts/", {"updated_since": "0001-01-01T00:00:00"}), 422)
    assert_problem(api.get("calendar/", {"from": "9999-12-31"}), 422)
    assert_problem(api.get("scripts/", {"persona": "a\x00b"}), 422)
