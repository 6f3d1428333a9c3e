"""Secrets never reach the logs: bot tokens (shown once, stored hashed), passwords, SECRET_KEY.

Every record is checked as the console prints it and, for records with a request and a
traceback, as Django's error e-mail would render it (headers and local variables included)."""

import io
import logging
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.views.debug import ExceptionReporter

from bots.models import BotClient

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"siyu_[A-Za-z0-9_-]{20,}")


def _everything_logged(records) -> str:
    texts = []
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in records:
        texts.append(formatter.format(record))
        request = getattr(record, "request", None)
        if request is not None and record.exc_info:
            reporter = ExceptionReporter(request, *record.exc_info, is_email=True)
            texts.append(reporter.get_traceback_text())
    return "\n".join(texts)


@pytest.fixture
def logged(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def _assert_clean(caplog, *secrets):
    text = _everything_logged(caplog.records)
    for secret in (*secrets, settings.SECRET_KEY):
        assert secret not in text


def test_a_token_created_in_the_admin_or_by_command_is_not_logged(client, make_user, logged):
    client.force_login(make_user("root", superuser=True))
    response = client.post(
        reverse("bots_botclient:add"), {"name": "群机器人", "all_personas": "on"}, follow=True
    )
    shown = TOKEN.findall(response.content.decode())
    assert shown, "the token is shown once, on the page"
    out = io.StringIO()
    call_command("bot_client", "create", "命令行机器人", "--all-personas", stdout=out)
    printed = out.getvalue().strip().splitlines()[-1]
    assert TOKEN.fullmatch(printed)
    _assert_clean(logged, *shown, printed)


def test_failed_sign_ins_do_not_log_the_secret_tried(client, make_user, logged):
    make_user("editor")
    client.post("/admin/login/", {"username": "editor", "password": "Wr0ng-Pa55word!"})
    wrong = "siyu_" + "x" * 43
    response = client.get("/api/v1/personas/", HTTP_AUTHORIZATION=f"Bearer {wrong}")
    assert response.status_code == 401
    _assert_clean(logged, "Wr0ng-Pa55word!", wrong)


def test_a_crash_during_an_authenticated_request_does_not_log_the_token(
    client, monkeypatch, logged
):
    _client, token = BotClient.create("崩溃", all_personas=True)

    def crash(self, queryset, moment=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(BotClient, "visible", crash)
    client.raise_request_exception = False
    response = client.get("/api/v1/scripts/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 500
    assert any(record.exc_info for record in logged.records), "the crash is logged"
    _assert_clean(logged, token)
