"""Who hears of a change: webhooks follow the delivery API's visibility (``BotClient.sees``).

An event goes to a webhook only when its client sees the subject — as it is after the change
(published, approved, scheduled), or as it was just before it (unpublished, deleted,
cancelled): a bot that could see something must learn that it is gone, one that never could
must not learn that it existed (a draft deleted, a script of an unpublished persona).

Before every attempt, retries included, ``stop_reason`` looks again: a revoked or expired
client, a deactivated webhook or a persona taken out of the client's scope stops the sending;
the delivery is marked cancelled with the reason as its last error (shown in the admin).
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from django.apps import apps
from django.db.models import Model, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DeliveryStatus, Webhook, WebhookDelivery


def persona_id_of(subject: Model) -> int:
    """The persona a persona, script, sequence or calendar entry belongs to."""
    if subject._meta.concrete_model._meta.label_lower == "personas.persona":
        return subject.pk
    return subject.persona_id


def webhooks_for(subject: Model, moment: datetime | None = None) -> list[Webhook]:
    """Active webhooks whose client sees `subject` (at `moment`, default now)."""
    Persona = apps.get_model("personas", "Persona")
    webhooks = (
        Webhook.objects.filter(active=True)
        .select_related("client")
        .prefetch_related(Prefetch("client__personas", queryset=Persona.objects.only("pk")))
    )
    return [webhook for webhook in webhooks if webhook.client.sees(subject, moment)]


def as_last_published(instance: Model, *, was_live: bool = False) -> tuple[Model, datetime | None]:
    """`instance` (a persona or script) as bots could last have seen it, and the moment to
    judge it at: for an unpublish or a delete, "could the bot see it before?".

    Never published: as it is (a draft nobody saw). Otherwise live; and if its Wagtail expiry
    has passed, just before that moment — query-time expiry hid it then, and the unpublish
    ``publish_scheduled`` makes later is what tells bots."""
    if not (was_live or instance.live or instance.first_published_at):
        # The instance in hand may be older than its publication: ask the database.
        rows = type(instance)._base_manager.filter(pk=instance.pk)
        if not rows.filter(first_published_at__isnull=False).exists():
            return instance, None
    before = as_it_was(instance, live=True, expired=False)
    if instance.expire_at is not None and instance.expire_at <= timezone.now():
        return before, instance.expire_at - timedelta(microseconds=1)
    return before, None


def as_it_was(instance: Model, **fields) -> Model:
    """An in-memory copy of `instance` with `fields` set back (the database is not touched)."""
    before = copy.copy(instance)
    for name, value in fields.items():
        setattr(before, name, value)
    return before


def stop_reason(delivery: WebhookDelivery) -> str:
    """Why `delivery` must not be sent (any more), or '' (read fresh from the database)."""
    webhook = Webhook.objects.select_related("client").filter(pk=delivery.webhook_id).first()
    if webhook is None:
        return _("The webhook was deleted.")
    client = webhook.client
    if client.revoked_at is not None:
        return _("Not sent: the bot client was revoked.")
    if not client.is_active:
        return _("Not sent: the bot client has expired.")
    if not webhook.active:
        return _("Not sent: the webhook was deactivated.")
    persona_id = delivery.persona_id
    Persona = apps.get_model("personas", "Persona")
    if persona_id is None:  # queued before deliveries recorded their persona
        slug = (delivery.payload or {}).get("persona")
        persona_id = Persona.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if persona_id is None:
            return ""
    # A deleted persona's scope links are gone with it: its deletion is still announced.
    if not client.in_scope(persona_id) and Persona.objects.filter(pk=persona_id).exists():
        return _("Not sent: the persona is no longer in the scope of the bot client.")
    return ""


def cancel_if_stopped(delivery: WebhookDelivery) -> bool:
    """Cancel `delivery` if it must not be sent; True when it was (or is no longer pending)."""
    reason = stop_reason(delivery)
    if not reason:
        return False
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, next_attempt_at=None, last_error=reason[:500]
    )
    delivery.status = DeliveryStatus.CANCELLED
    delivery.next_attempt_at = None
    delivery.last_error = reason[:500]
    return True
