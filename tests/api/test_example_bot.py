"""examples/bot.py, the reference client of the README, against the real API (its HTTP calls are
routed to Django's test client)."""

import importlib.util
import io
import urllib.error
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from content.models import ScriptUsage
from tests.content.factories import GroupScriptFactory, variable
from tests.editorial_calendar.factories import CalendarEntryFactory
from tests.personas.factories import PersonaChannelFactory

pytestmark = pytest.mark.django_db

spec = importlib.util.spec_from_file_location(
    "example_bot", Path(settings.BASE_DIR, "examples/bot.py")
)
example_bot = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example_bot)


@pytest.fixture
def through_test_client(client, monkeypatch):
    def urlopen(request, timeout=None):
        url = urlsplit(request.full_url)
        path = url.path + (f"?{url.query}" if url.query else "")
        headers = {"HTTP_AUTHORIZATION": request.get_header("Authorization")}
        if request.get_method() == "POST":
            response = client.post(path, request.data, content_type="application/json", **headers)
        else:
            response = client.get(path, **headers)
        if response.status_code >= 400:
            raise urllib.error.HTTPError(
                request.full_url, response.status_code, "", {}, io.BytesIO(response.content)
            )
        return io.BytesIO(response.content)

    monkeypatch.setattr(example_bot.urllib.request, "urlopen", urlopen)


def test_the_example_bot_sends_todays_entries_and_reports_them_once(
    through_test_client, api, bot, xiaomei, capsys
):
    PersonaChannelFactory(persona=xiaomei, channel="wechat_group")
    script = GroupScriptFactory(
        persona=xiaomei,
        variables=[variable("nickname")],
        messages=[("text", "欢迎{{nickname}}进群！"), ("delay", {"seconds": 3})],
    )
    today = timezone.localdate()
    entry = CalendarEntryFactory(persona=xiaomei, channel="wechat_group", date=today,
                                 script=script, status="approved", title="新人欢迎")  # fmt: skip
    argv = ["--base-url", "http://testserver", "--token", bot.token, "--persona", "xiaomei",
            "--date", today.isoformat()]  # fmt: skip
    assert example_bot.main(argv) == 0
    out = capsys.readouterr().out
    assert "→ [wechat_group]" in out and "新人欢迎" in out and "欢迎小鹿进群！" in out
    assert "Reported 1 sent event(s), 0 already known." in out
    example_bot.main(argv)
    assert "0 sent event(s), 1 already known." in capsys.readouterr().out
    assert ScriptUsage.objects.get(script=script).sent == 1
    entry.refresh_from_db()
    assert entry.outcome == {"sent": 1}


def test_the_example_bot_explains_a_bad_token(through_test_client, xiaomei):
    with pytest.raises(SystemExit, match="401 unauthorized"):
        example_bot.main(["--token", "siyu_nope", "--persona", "xiaomei"])
