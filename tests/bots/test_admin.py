"""Settings → Bot clients in the Wagtail admin."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bots.models import BotClient
from tests.personas.factories import PersonaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin", superuser=True))
    return client


@pytest.fixture
def xiaomei():
    return PersonaFactory(slug="xiaomei", name="小美")


def test_creating_a_client_shows_the_token_once_and_it_works(admin_client, xiaomei):
    response = admin_client.post(
        "/admin/bot-clients/new/", {"name": "企微机器人", "personas": [xiaomei.pk]}
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    token = re.search(r'value="(siyu_[^"]+)"', response.content.decode()).group(1)
    client = BotClient.objects.get(name="企微机器人")
    assert BotClient.authenticate(token) == client
    assert client.persona_ids() == {xiaomei.pk}
    api = admin_client.get("/api/v1/personas/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200
    listing = admin_client.get("/admin/bot-clients/").content.decode()
    assert "企微机器人" in listing and token not in listing and client.token_prefix in listing
    edit = admin_client.get(f"/admin/bot-clients/edit/{client.pk}/").content.decode()
    assert token not in edit


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "  "}, "必需字段"),
        ({"name": "bot"}, "至少选择一个人设"),
        ({"name": "bot", "all_personas": "on", "personas": ["PK"]}, "不能同时"),
        ({"name": "bot", "all_personas": "on", "expires_at": "2001-01-01 00:00"}, "未来"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(admin_client, xiaomei, data, message):
    if "personas" in data:
        data["personas"] = [xiaomei.pk]
    response = admin_client.post("/admin/bot-clients/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BotClient.objects.exists()


def test_revoke_asks_then_stops_the_token(admin_client, xiaomei):
    client, token = BotClient.create("bot", personas=[xiaomei])
    confirm = admin_client.get(f"/admin/bot-clients/revoke/{client.pk}/")
    assert confirm.status_code == 200 and "bot" in confirm.content.decode()
    assert BotClient.authenticate(token) == client
    admin_client.post(f"/admin/bot-clients/revoke/{client.pk}/")
    assert BotClient.authenticate(token) is None
    assert "已吊销" in admin_client.get("/admin/bot-clients/").content.decode()


def test_editing_changes_scope_and_expiry_but_not_the_token(admin_client, xiaomei):
    client, token = BotClient.create("bot", personas=[xiaomei])
    expires = (timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    admin_client.post(
        f"/admin/bot-clients/edit/{client.pk}/",
        {"name": "bot", "all_personas": "on", "expires_at": expires},
    )
    client.refresh_from_db()
    assert client.all_personas and client.expires_at is not None
    assert BotClient.authenticate(token) == client


def test_copywriters_cannot_manage_bot_clients(copywriter_client, xiaomei):
    client, _token = BotClient.create("bot", personas=[xiaomei])
    assert copywriter_client.get("/admin/bot-clients/").status_code in {302, 403}
    assert copywriter_client.post(f"/admin/bot-clients/revoke/{client.pk}/").status_code in {
        302,
        403,
    }
    client.refresh_from_db()
    assert client.revoked_at is None
