"""Webhooks follow API visibility: events only for what a bot sees (or saw before the change),
and no attempt once the client, the webhook or the scope no longer allows it."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bots.models import BotClient, Webhook, WebhookDelivery
from content.models import Script
from tests.content.factories import MomentScriptFactory
from tests.editorial_calendar.factories import CalendarEntryFactory
from tests.personas.factories import PersonaChannelFactory, PersonaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def xiaomei():
    return PersonaFactory(slug="xiaomei")


@pytest.fixture
def bot(xiaomei):
    client, _token = BotClient.create("bot", personas=[xiaomei])
    return client


@pytest.fixture
def hook(receiver, bot):
    return Webhook.objects.create(client=bot, url=receiver.url)


def retry_all():
    WebhookDelivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())
    call_command("webhooks", "deliver", stdout=io.StringIO())


# Item 10: retries stop --------------------------------------------------------------------------
def _revoke(bot, hook, xiaomei):
    bot.revoke()


def _expire(bot, hook, xiaomei):
    BotClient.objects.filter(pk=bot.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def _deactivate(bot, hook, xiaomei):
    hook.active = False
    hook.save()


def _out_of_scope(bot, hook, xiaomei):
    bot.personas.remove(xiaomei)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_revoke, "吊销"),
        (_expire, "过期"),
        (_deactivate, "停用"),
        (_out_of_scope, "可见范围"),
    ],
)
def test_retries_stop_when_the_bot_may_no_longer_hear(
    change, reason, hook, bot, receiver, xiaomei, sent, client, make_user
):
    receiver.status = 500
    with sent():
        MomentScriptFactory(persona=xiaomei)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    change(bot, hook, xiaomei)
    receiver.status = 200
    retry_all()
    delivery.refresh_from_db()
    assert delivery.status == "cancelled" and delivery.next_attempt_at is None
    assert delivery.attempts == 1 and reason in delivery.last_error
    assert len(receiver.requests) == 1  # the first, failed attempt only
    retry_all()  # nothing is pending any more
    assert len(receiver.requests) == 1
    client.force_login(make_user("admin", superuser=True))
    listing = client.get("/admin/webhook-deliveries/").content.decode()
    assert delivery.last_error in listing


def test_a_persona_deletion_is_retried_after_the_persona_is_gone(hook, receiver, xiaomei, sent):
    receiver.status = 500
    with sent():
        xiaomei.delete()
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "persona.deleted" and delivery.status == "pending"
    receiver.status = 200
    retry_all()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert receiver.events() == ["persona.deleted", "persona.deleted"]


# Item 16: events follow API visibility ----------------------------------------------------------
def test_deleting_a_never_published_draft_is_not_announced(hook, receiver, xiaomei, sent):
    draft = MomentScriptFactory(persona=xiaomei, publish=False)
    with sent():
        draft.delete()
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_a_script_of_an_unpublished_persona_is_not_announced(hook, bot, receiver, sent):
    hidden = PersonaFactory(slug="hidden", live=False, publish=False)
    bot.personas.add(hidden)
    with sent():
        script = MomentScriptFactory(persona=hidden)
        script.unpublish()
        script.save_revision().publish()
    assert receiver.requests == []
    with sent():
        hidden.save_revision().publish()
    assert receiver.events() == ["persona.published"]


def test_a_script_scheduled_for_later_is_announced_when_it_goes_live(hook, receiver, xiaomei, sent):
    with sent():
        script = MomentScriptFactory(persona=xiaomei, publish=False)
        script.go_live_at = timezone.now() + timedelta(hours=1)
        script.save_revision().publish()  # scheduled: Wagtail keeps it unpublished
    assert Script.objects.get(pk=script.pk).live is False
    assert receiver.requests == []
    # The moment comes; publish_scheduled publishes the approved revision.
    script.revisions.update(approved_go_live_at=timezone.now() - timedelta(seconds=1))
    with sent():
        call_command("publish_scheduled", stdout=io.StringIO())
    assert receiver.events() == ["script.published"]


def test_an_expiry_is_announced_when_publish_scheduled_applies_it(hook, receiver, xiaomei, sent):
    script = MomentScriptFactory(persona=xiaomei, expire_at=timezone.now() + timedelta(hours=1))
    receiver.requests.clear()
    Script.objects.filter(pk=script.pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    with sent():
        call_command("publish_scheduled", stdout=io.StringIO())
    assert Script.objects.get(pk=script.pk).expired is True
    assert receiver.events() == ["script.unpublished"]


def test_unpublishing_and_deleting_a_persona_it_could_see(hook, receiver, xiaomei, sent):
    xiaomei.refresh_from_db()  # the factory published another instance of it
    with sent():
        xiaomei.unpublish()
    with sent():
        xiaomei.delete()
    assert receiver.events() == ["persona.unpublished", "persona.deleted"]


def test_cancelling_an_entry_is_announced_only_if_the_bot_could_act_on_it(
    hook, receiver, xiaomei, sent
):
    PersonaChannelFactory(persona=xiaomei, channel="wechat")
    idea = CalendarEntryFactory(persona=xiaomei, status="idea")
    approved = CalendarEntryFactory(persona=xiaomei, status="in_review")
    with sent():
        idea.status = "cancelled"
        idea.save()
        approved.status = "approved"
        approved.save()
        approved.status = "cancelled"
        approved.save()
    assert receiver.events() == ["calendar_entry.approved", "calendar_entry.cancelled"]
    assert {d.payload["id"] for d in WebhookDelivery.objects.all()} == {approved.pk}


def test_an_entry_of_an_unpublished_persona_is_not_announced(hook, bot, receiver, sent):
    hidden = PersonaFactory(slug="hidden", live=False, publish=False)
    PersonaChannelFactory(persona=hidden, channel="wechat")
    bot.personas.add(hidden)
    with sent():
        CalendarEntryFactory(persona=hidden, status="approved")
    assert receiver.requests == []


def test_deliveries_record_their_persona(hook, receiver, xiaomei, sent):
    with sent():
        MomentScriptFactory(persona=xiaomei)
    assert WebhookDelivery.objects.get().persona_id == xiaomei.pk
