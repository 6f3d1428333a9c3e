"""Turn content changes into webhook events (see bots.webhooks)."""

from __future__ import annotations

from django.db.models.signals import post_save, pre_delete, pre_save
from wagtail.signals import published, unpublished

from content.models import Script
from editorial_calendar.models import CalendarEntry
from personas.models import Persona

from . import webhooks

ENTRY_EVENTS = {"approved", "scheduled", "cancelled"}


def _script_event(name: str, script: Script) -> None:
    webhooks.notify(
        f"script.{name}",
        script.persona_id,
        id=script.pk,
        kind=script.kind,
        persona=script.persona.slug,
    )


def _persona_event(name: str, persona: Persona) -> None:
    webhooks.notify(f"persona.{name}", persona.pk, id=persona.pk, kind=None, persona=persona.slug)


def on_published(sender, instance, **kwargs):
    if isinstance(instance, Script):
        _script_event("published", instance)
    elif isinstance(instance, Persona):
        _persona_event("published", instance)


def on_unpublished(sender, instance, **kwargs):
    if isinstance(instance, Script):
        _script_event("unpublished", instance)
    elif isinstance(instance, Persona):
        _persona_event("unpublished", instance)


def on_delete(sender, instance, **kwargs):
    # Before the delete, while the persona's scope links still exist.
    if isinstance(instance, Script):
        _script_event("deleted", instance)
    elif isinstance(instance, Persona):
        _persona_event("deleted", instance)


def remember_status(sender, instance: CalendarEntry, **kwargs):
    instance._previous_status = (
        CalendarEntry.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        if instance.pk
        else None
    )


def on_entry_saved(sender, instance: CalendarEntry, **kwargs):
    status = instance.status
    if status in ENTRY_EVENTS and status != getattr(instance, "_previous_status", None):
        webhooks.notify(
            f"calendar_entry.{status}",
            instance.persona_id,
            id=instance.pk,
            kind=None,
            persona=instance.persona.slug,
            date=instance.date.isoformat(),
            channel=instance.channel,
        )


def connect() -> None:
    published.connect(on_published, dispatch_uid="bots_webhooks_published")
    unpublished.connect(on_unpublished, dispatch_uid="bots_webhooks_unpublished")
    pre_delete.connect(on_delete, dispatch_uid="bots_webhooks_delete")
    pre_save.connect(remember_status, sender=CalendarEntry, dispatch_uid="bots_entry_status")
    post_save.connect(on_entry_saved, sender=CalendarEntry, dispatch_uid="bots_entry_saved")
