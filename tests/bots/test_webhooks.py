"""Webhooks: signed pushes to bot clients when content in their scope changes."""

import hashlib
import hmac
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bots import webhooks
from bots.models import BotClient, Webhook, WebhookDelivery
from tests.content.factories import MomentScriptFactory
from tests.editorial_calendar.factories import CalendarEntryFactory
from tests.personas.factories import PersonaChannelFactory, PersonaFactory

from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def xiaomei():
    return PersonaFactory(slug="xiaomei")


@pytest.fixture
def hook(receiver, xiaomei):
    client, _token = BotClient.create("bot", personas=[xiaomei])
    return Webhook.objects.create(client=client, url=receiver.url)


def test_publishing_a_script_sends_a_signed_event(hook, receiver, xiaomei, sent):
    with sent():
        script = MomentScriptFactory(persona=xiaomei)
    assert receiver.events() == ["script.published"]
    request = receiver.requests[0]
    payload = json.loads(request["body"])
    assert payload["id"] == script.pk and payload["kind"] == "moment"
    assert payload["persona"] == "xiaomei" and payload["occurred_at"].endswith("+08:00")
    assert request["headers"]["X-Delivery-Id"] == payload["delivery_id"]
    expected = hmac.new(hook.secret.encode(), request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-Signature"] == f"sha256={expected}"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert delivery.last_status_code == 200


def test_unpublish_and_delete(hook, receiver, xiaomei, sent):
    script = MomentScriptFactory(persona=xiaomei)
    receiver.requests.clear()
    with sent():
        script.unpublish()
    with sent():
        script.delete()
    assert receiver.events() == ["script.unpublished", "script.deleted"]


def test_only_clients_with_the_persona_in_scope_hear_of_it(receiver, xiaomei, sent):
    other = PersonaFactory(slug="other")
    scoped, _t = BotClient.create("scoped", personas=[other])
    revoked, _t = BotClient.create("revoked", all_personas=True)
    revoked.revoke()
    for client in (scoped, revoked):
        Webhook.objects.create(client=client, url=receiver.url)
    with sent():
        MomentScriptFactory(persona=xiaomei)
    assert receiver.requests == []


def test_calendar_entries_becoming_approved_scheduled_or_cancelled(hook, receiver, xiaomei, sent):
    PersonaChannelFactory(persona=xiaomei, channel="wechat")
    entry = CalendarEntryFactory(persona=xiaomei, status="in_review")
    with sent():
        for status in ["approved", "approved", "scheduled", "cancelled"]:
            entry.status = status
            entry.save()
    expected = ["calendar_entry.approved", "calendar_entry.scheduled", "calendar_entry.cancelled"]
    assert receiver.events() == expected
    payload = json.loads(receiver.requests[0]["body"])
    assert payload["id"] == entry.pk and payload["channel"] == "wechat"


def test_failures_are_retried_with_backoff_then_given_up(hook, receiver, xiaomei, sent):
    receiver.status = 500
    with sent():
        MomentScriptFactory(persona=xiaomei)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)
    assert webhooks.deliver_due() == (0, 0)  # not due yet
    for attempt in range(2, webhooks.MAX_ATTEMPTS + 1):
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        call_command("webhooks", "deliver", stdout=io.StringIO())
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert len(receiver.requests) == webhooks.MAX_ATTEMPTS


def test_a_receiver_that_is_down_is_recorded_and_retried(hook, receiver, xiaomei, sent):
    receiver.server.shutdown()
    receiver.server.server_close()
    with sent():
        MomentScriptFactory(persona=xiaomei)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert delivery.last_error
    receiver2 = Receiver()
    hook.url = receiver2.url
    hook.save()
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert webhooks.deliver_due() == (1, 0)
    assert receiver2.events() == ["script.published"]
    receiver2.server.shutdown()


def test_admin_lists_webhooks_and_deliveries(client, make_user, hook, xiaomei, sent):
    client.force_login(make_user("admin", superuser=True))
    with sent():
        MomentScriptFactory(persona=xiaomei)
    page = client.get(f"/admin/webhooks/edit/{hook.pk}/").content.decode()
    assert hook.secret in page
    listing = client.get("/admin/webhook-deliveries/").content.decode()
    assert "script.published" in listing and "已送达" in listing
    delivery = WebhookDelivery.objects.get()
    inspect = client.get(f"/admin/webhook-deliveries/inspect/{delivery.pk}/").content.decode()
    assert "&quot;event&quot;: &quot;script.published&quot;" in inspect
    assert client.get("/admin/webhook-deliveries/new/").status_code == 404
