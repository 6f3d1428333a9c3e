"""What refers to a script from outside the content app and must stay consistent with it.

A calendar entry links a script of its own persona (``CalendarEntry.clean`` checks the entry
side). Moving a script to another persona would leave such entries pointing across personas —
and a bot scoped to the entry's persona would be shown a script it may not read — so the move
is refused, naming the entries, until they are relinked. Refusing rather than unlinking: an
approved or scheduled entry silently losing its script would break a planned post, and only
a person can say which script it should use instead. The entries are reached through the
reverse relation ``calendar_entries``, so ``content`` does not import ``editorial_calendar``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

MAX_NAMED = 5


def persona_conflict(script) -> str:
    """Why `script` cannot belong to its (new) persona, or ''."""
    entries = getattr(script, "calendar_entries", None)
    if script.pk is None or script.persona_id is None or entries is None:
        return ""
    others = list(
        entries.exclude(persona_id=script.persona_id).order_by("date", "pk")[: MAX_NAMED + 1]
    )
    if not others:
        return ""
    names = "、".join(f"#{entry.pk} {entry}" for entry in others[:MAX_NAMED])
    if len(others) > MAX_NAMED:
        names += " …"
    return _(
        "Calendar entries of another persona use this script: %(entries)s. Link them to "
        "another script first, or keep the script's persona."
    ) % {"entries": names}
