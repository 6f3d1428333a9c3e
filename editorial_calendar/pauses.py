"""Pausing a date range (national mourning, a disaster) and resuming it.

While a pause is active the entries on its days are held: ``CalendarEntry.objects.actionable()``
leaves them out, so the delivery API and webhooks treat them as not there. Pausing and resuming
send ``calendar_paused`` / ``calendar_resumed`` inside the transaction (bots turns them into
webhook deliveries, which are sent after commit).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import ACTIONABLE
from .models import CalendarEntry, CalendarPause
from .signals import calendar_paused, calendar_resumed


def _entries(pause: CalendarPause) -> dict[int, list[int]]:
    """{persona id: ids of its approved, scheduled or published entries in the pause}."""
    found: dict[int, list[int]] = {}
    rows = CalendarEntry.objects.filter(
        date__gte=pause.start, date__lte=pause.end, status__in=ACTIONABLE
    ).order_by("date", "pk")
    for pk, persona_id in rows.values_list("pk", "persona_id"):
        found.setdefault(persona_id, []).append(pk)
    return found


@transaction.atomic
def pause(start: date, end: date, reason: str, user=None) -> CalendarPause:
    """Pause [start, end]; ValidationError (nothing saved) for a bad range or no reason."""
    item = CalendarPause(start=start, end=end, reason=(reason or "").strip(), created_by=user)
    item.full_clean()
    item.save()
    calendar_paused.send(sender=CalendarPause, pause=item, entries=_entries(item))
    return item


@transaction.atomic
def resume(item: CalendarPause, user=None) -> CalendarPause:
    """End a pause: its entries are no longer held (unless another pause covers them)."""
    locked = CalendarPause.objects.select_for_update().get(pk=item.pk)
    if locked.resumed_at is not None:
        raise ValidationError(_("This pause was already resumed."))
    locked.resumed_at = timezone.now()
    locked.resumed_by = user
    locked.save(update_fields=["resumed_at", "resumed_by"])
    calendar_resumed.send(sender=CalendarPause, pause=locked, entries=_entries(locked))
    return locked
