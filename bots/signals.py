"""Turn content changes into webhook events (see bots.webhooks).

Each event names what a bot must be able to see for it to be told (``bots.audience``): the
object after a publish, approval or scheduling; the object as bots could last see it for an
unpublish or delete (never, for a draft never published); the entry before a cancellation.
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_delete, pre_save
from wagtail.signals import published, unpublished

from content.models import Script
from editorial_calendar.enums import EntryStatus
from editorial_calendar.models import CalendarEntry
from editorial_calendar.signals import calendar_paused, calendar_resumed
from personas.models import Persona
from sequences.models import Sequence

from . import webhooks
from .audience import as_it_was, as_last_published

ENTRY_EVENTS = {"approved", "scheduled", "cancelled"}


def _event(name: str, instance, seen, as_of=None) -> None:
    """`seen`: `instance` as a bot must see it (at `as_of`) to hear of the change."""
    if isinstance(instance, Script):
        webhooks.notify(
            f"script.{name}",
            seen,
            as_of=as_of,
            id=instance.pk,
            kind=instance.kind,
            persona=instance.persona.slug,
        )
    elif isinstance(instance, Sequence):
        webhooks.notify(
            f"sequence.{name}",
            seen,
            as_of=as_of,
            id=instance.pk,
            kind=None,
            persona=instance.persona.slug,
            slug=instance.slug,
        )
    elif isinstance(instance, Persona):
        webhooks.notify(
            f"persona.{name}", seen, as_of=as_of, id=instance.pk, kind=None, persona=instance.slug
        )


def on_published(sender, instance, **kwargs):
    _event("published", instance, instance)


def on_unpublished(sender, instance, **kwargs):
    _event("unpublished", instance, *as_last_published(instance, was_live=True))


def on_delete(sender, instance, **kwargs):
    # Before the delete, while the object and the persona's scope links still exist: bots
    # that could see it hear of the deletion; a never-published draft is nobody's news.
    if isinstance(instance, Script | Persona | Sequence):
        _event("deleted", instance, *as_last_published(instance))


def remember_status(sender, instance: CalendarEntry, **kwargs):
    instance._previous_status = (
        CalendarEntry.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        if instance.pk
        else None
    )


def on_entry_saved(sender, instance: CalendarEntry, **kwargs):
    status = instance.status
    previous = getattr(instance, "_previous_status", None)
    if status not in ENTRY_EVENTS or status == previous:
        return
    seen = instance
    if status == EntryStatus.CANCELLED:  # told to bots that could act on it until now
        seen = as_it_was(instance, status=previous or EntryStatus.IDEA)
    webhooks.notify(
        f"calendar_entry.{status}",
        seen,
        id=instance.pk,
        kind=None,
        persona=instance.persona.slug,
        date=instance.date.isoformat(),
        channel=instance.channel,
    )


def _pause_event(name: str, pause, entries: dict[int, list[int]]) -> None:
    """``calendar.paused|resumed``: one delivery per persona a webhook's client sees (a pause is
    every persona's), listing that persona's entries the pause holds or releases."""
    for persona in Persona.objects.all():
        webhooks.notify(
            f"calendar.{name}",
            persona,
            id=pause.pk,
            kind=None,
            persona=persona.slug,
            **{"from": pause.start.isoformat()},
            to=pause.end.isoformat(),
            reason=pause.reason,
            entries=entries.get(persona.pk, []),
        )


def on_paused(sender, pause, entries, **kwargs):
    _pause_event("paused", pause, entries)


def on_resumed(sender, pause, entries, **kwargs):
    _pause_event("resumed", pause, entries)


def connect() -> None:
    published.connect(on_published, dispatch_uid="bots_webhooks_published")
    unpublished.connect(on_unpublished, dispatch_uid="bots_webhooks_unpublished")
    pre_delete.connect(on_delete, dispatch_uid="bots_webhooks_delete")
    pre_save.connect(remember_status, sender=CalendarEntry, dispatch_uid="bots_entry_status")
    post_save.connect(on_entry_saved, sender=CalendarEntry, dispatch_uid="bots_entry_saved")
    calendar_paused.connect(on_paused, dispatch_uid="bots_calendar_paused")
    calendar_resumed.connect(on_resumed, dispatch_uid="bots_calendar_resumed")
