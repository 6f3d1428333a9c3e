"""Failed sign-ins are throttled: bad API tokens per client address, failed admin logins per
address and per account (site_config.throttle; the cache holds the counters)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from core.throttle import client_address
from tests.api.conftest import Api, assert_problem

from .conftest import make_content

pytestmark = pytest.mark.django_db


def test_bad_tokens_from_one_address_get_429_but_valid_tokens_still_pass(client, settings):
    settings.API_AUTH_FAILURE_LIMIT = "3/10m"
    _persona, _script, _bot, token = make_content()
    good, bad = Api(client, token), Api(client, "siyu_guessed-token")
    for _ in range(3):
        assert_problem(bad.get("personas/"), 401, "unauthorized")
    response = bad.get("personas/")
    doc = assert_problem(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 600
    assert "authentication" in doc["detail"] or "认证" in doc["detail"]
    # Lockout is for failures only: a bot with a valid token behind the same address (a
    # shared egress) is not locked out by a broken neighbour.
    assert good.get("personas/").status_code == 200
    # Another address has its own count.
    assert_problem(bad.get("personas/", REMOTE_ADDR="10.9.8.7"), 401)


def login(client, username, password, address="127.0.0.1"):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def refused_for_too_many(response) -> bool:
    form = response.context["form"]
    return any(e.code == "too_many_attempts" for e in form.non_field_errors().as_data())


def test_admin_logins_are_throttled_per_address_even_for_the_right_password(
    client, settings, django_user_model
):
    settings.ADMIN_LOGIN_FAILURE_LIMIT = "5/15m"
    settings.ADMIN_LOGIN_ACCOUNT_FAILURE_LIMIT = "100/15m"
    django_user_model.objects.create_superuser("boss", password="right")
    for attempt in range(5):
        response = login(client, "boss", f"wrong{attempt}")
        assert response.status_code == 200 and not refused_for_too_many(response)
    response = login(client, "boss", "right")  # the right password, but too late
    assert response.status_code == 200
    assert refused_for_too_many(response)
    assert "_auth_user_id" not in client.session
    # Another address (and so another editor) still logs in.
    assert login(client, "boss", "right", address="10.1.2.3").status_code == 302


def test_admin_logins_are_throttled_per_account_across_addresses(
    client, settings, django_user_model
):
    settings.ADMIN_LOGIN_FAILURE_LIMIT = "100/15m"
    settings.ADMIN_LOGIN_ACCOUNT_FAILURE_LIMIT = "4/15m"
    django_user_model.objects.create_superuser("boss", password="right")
    for attempt in range(4):
        login(client, "boss", "wrong", address=f"10.0.0.{attempt}")
    response = login(client, "BOSS", "right", address="10.0.0.99")
    assert refused_for_too_many(response)
    response = login(client, "boss", "right", address="10.0.0.99")
    assert refused_for_too_many(response) and "_auth_user_id" not in client.session
    django_user_model.objects.create_user("other", password="pw", is_superuser=True)
    assert login(client, "other", "pw", address="10.0.0.99").status_code == 302


def test_forty_wrong_passwords_then_the_right_one_does_not_log_in(client, django_user_model):
    """The issue's reproduction, with the default limits."""
    django_user_model.objects.create_superuser("boss", password="right")
    for attempt in range(40):
        login(client, "boss", f"guess{attempt}")
    response = login(client, "boss", "right")
    assert response.status_code == 200 and refused_for_too_many(response)


def test_client_address_behind_trusted_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_address(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_HOPS = 1  # our proxy appended the address it saw; the rest is the
    assert client_address(request) == "203.0.113.7"  # client's to invent
    settings.TRUSTED_PROXY_HOPS = 3  # fewer entries than proxies: fall back to the connection
    assert client_address(request) == "10.0.0.1"
