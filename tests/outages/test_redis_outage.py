"""Redis stopped under a running site: a throwaway redis-server of this module's own (never
the shared one), stopped for real.

Decision: everything that uses the cache fails open — the rate limit, the failed-sign-in
throttles and the response body cache — with a logged warning, and /health reports the cache
as down. Refusing every bot and editor because Redis is away would turn a cache outage into a
full outage, while the database can still serve them.
"""

from __future__ import annotations

import logging

import pytest

from tests.api.conftest import Api, assert_problem, body

from .conftest import make_content

pytestmark = pytest.mark.django_db


def test_redis_down_the_api_serves_without_limits_and_health_says_so(redis, client, settings,
                                                                     caplog):  # fmt: skip
    _persona, script, _bot, token = make_content()
    api = Api(client, token)
    settings.API_RATE_LIMIT = "2/m"
    assert api.get("personas/").status_code == 200
    assert api.get(f"scripts/{script.pk}/").status_code == 200
    assert_problem(api.get("personas/"), 429, "rate_limited")  # counted in this Redis
    assert body(client.get("/api/v1/health"))["checks"]["cache"] == "ok"

    redis.stop()
    with caplog.at_level(logging.WARNING):
        assert api.get("personas/").status_code == 200  # no limit while the cache is away
        assert api.get(f"scripts/{script.pk}/").status_code == 200  # built, not cached
        assert_problem(api.as_token("siyu_wrong").get("personas/"), 401)
    assert "Cache unavailable" in caplog.text
    response = client.get("/api/v1/health")
    doc = assert_problem(response, 503, "unavailable")
    assert doc["checks"]["cache"] == "error"
    assert doc["checks"]["database"] == "ok"
    assert int(response["Retry-After"]) > 0

    redis.start()
    assert body(client.get("/api/v1/health"))["checks"]["cache"] == "ok"
    assert api.get("personas/").status_code == 200


def test_redis_down_editors_can_still_log_in(redis, client, django_user_model):
    django_user_model.objects.create_superuser("boss", password="right")
    redis.stop()
    response = client.post("/admin/login/", {"username": "boss", "password": "wrong"})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    response = client.post("/admin/login/", {"username": "boss", "password": "right"})
    assert response.status_code == 302
