import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bots.models import BotClient
from tests.personas.factories import PersonaFactory

pytestmark = pytest.mark.django_db


def create(*args) -> tuple[str, str]:
    out = io.StringIO()
    call_command("bot_client", "create", *args, stdout=out)
    return out.getvalue(), out.getvalue().strip().splitlines()[-1]


def test_create_prints_the_token_last_and_stores_only_a_hash():
    persona = PersonaFactory(slug="xiaomei")
    output, token = create("wecom-bot", "--persona", "xiaomei")
    client = BotClient.objects.get(name="wecom-bot")
    assert token.startswith("siyu_") and len(token) > 40
    assert token not in (client.token_hash, client.token_prefix)
    assert BotClient.authenticate(token) == client
    assert client.persona_ids() == {persona.pk}
    assert "wecom-bot" in output


def test_wrong_expired_and_revoked_tokens_are_refused():
    PersonaFactory(slug="xiaomei")
    _output, token = create("bot", "--all-personas")
    assert BotClient.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert BotClient.authenticate("") is None and BotClient.authenticate("Bearer x") is None
    client = BotClient.objects.get(name="bot")
    assert client.persona_ids() is None
    client.expires_at = timezone.now() - timedelta(seconds=1)
    client.save()
    assert BotClient.authenticate(token) is None
    client.expires_at = None
    client.save()
    call_command("bot_client", "revoke", "bot", stdout=io.StringIO())
    assert BotClient.authenticate(token) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x"], "--persona"),
        (["x", "--persona", "nobody"], "nobody"),
        (["x", "--all-personas", "--persona", "xiaomei"], "not both"),
        (["x", "--all-personas", "--expires", "2000-01-01"], "future"),
        (["x", "--all-personas", "--expires", "soon"], "not a date"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(args, message):
    PersonaFactory(slug="xiaomei")
    with pytest.raises(CommandError, match=message):
        create(*args)
    assert not BotClient.objects.exists()


def test_duplicate_names_and_unknown_clients_are_errors():
    PersonaFactory(slug="xiaomei")
    create("bot", "--all-personas")
    with pytest.raises(CommandError, match="already exists"):
        create("bot", "--all-personas")
    with pytest.raises(CommandError, match="No bot client"):
        call_command("bot_client", "revoke", "ghost")


def test_list_shows_state_and_scope_never_the_token():
    PersonaFactory(slug="xiaomei")
    _output, token = create("bot", "--persona", "xiaomei")
    out = io.StringIO()
    call_command("bot_client", "list", stdout=out)
    assert "bot\tactive\tpersonas=xiaomei" in out.getvalue()
    assert token not in out.getvalue()
