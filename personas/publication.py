"""Whether a published snippet is out right now: live, and inside Wagtail's own schedule.

Wagtail stores a scheduled publication in ``go_live_at`` and an expiry in ``expire_at`` and
applies them only when ``publish_scheduled`` runs. Bots must not see something past its
expiry (or before its go-live) just because that command has not run yet, so readers apply
both at query time: ``published_q()`` in a query, ``is_published()`` for a loaded object —
the same rule twice, kept side by side. Used by personas and scripts (``content``).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q


def published_q(moment: datetime, prefix: str = "") -> Q:
    """Rows that are live at `moment`; `prefix` reaches them through a relation
    (``"persona__"``)."""
    return (
        Q(**{f"{prefix}live": True})
        & (Q(**{f"{prefix}go_live_at__isnull": True}) | Q(**{f"{prefix}go_live_at__lte": moment}))
        & (Q(**{f"{prefix}expire_at__isnull": True}) | Q(**{f"{prefix}expire_at__gt": moment}))
    )


def is_published(obj, moment: datetime) -> bool:
    """What ``published_q(moment)`` selects, for one loaded object."""
    return (
        bool(obj.live)
        and (obj.go_live_at is None or obj.go_live_at <= moment)
        and (obj.expire_at is None or obj.expire_at > moment)
    )
