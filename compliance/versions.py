"""The rule-set version: one row, read once per check (a primary-key read), bumped on change.

Each process keeps the matcher compiled for the version it last saw; another process's edit is
noticed at the next check because the version is read from the database, not remembered.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import RuleSet

PK = 1


def current() -> int:
    # A plain cursor: the ORM's query building costs more than the read itself, on every check.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {RuleSet._meta.db_table} WHERE id = %s", [PK])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


def label(number: int) -> str:
    return f"v{number}"


def bump() -> int:
    with transaction.atomic():
        updated = RuleSet.objects.filter(pk=PK).update(
            number=F("number") + 1, changed_at=timezone.now()
        )
        if not updated:
            RuleSet.objects.get_or_create(pk=PK, defaults={"number": 1})
    return current()
