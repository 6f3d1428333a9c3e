"""Streaming, bulk loading of a backup's `data.json` (restore's inner loop).

`data.json` is written one row per line (operations/backup.py): `[`, then each row as one JSON
object followed by `,` except the last, then `]`. `rows()` reads it line by line, so memory stays
bounded by one batch whatever the backup's size. `load_rows()` turns each batch of one model into
instances with Django's own `python` deserializer (the same conversions `loaddata` makes) and
inserts them with one multi-row INSERT per batch — raw, as `loaddata` saves: no save() logic, no
signals, so no webhooks, no search or reference index writes (restore rebuilds those once at the
end). Natural foreign keys (content types, permissions, users) are looked up once each, not once
per row. Many-to-many links of auto-created through tables are inserted in bulk too. On
PostgreSQL the primary-key sequences are reset afterwards (as `loaddata` does)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection

from .archive import BackupError

BATCH = 1000

Progress = Callable[[str], None]


def rows(data_file: Path) -> Iterator[dict]:
    """The rows of a `data.json`, one at a time (never the whole file in memory)."""
    with Path(data_file).open("rb") as source:
        first = source.readline().strip()
        if first not in (b"[", b"[]"):
            raise BackupError("The backup is damaged: data.json does not start with a list.")
        if first == b"[]":
            return
        for number, line in enumerate(source, start=2):
            line = line.strip()
            if line == b"]":
                return
            if line.endswith(b","):
                line = line[:-1]
            try:
                row = json.loads(line)
            except ValueError:
                raise BackupError(
                    f"The backup is damaged: line {number} of data.json is not a row."
                ) from None
            if not isinstance(row, dict) or not isinstance(row.get("model"), str):
                raise BackupError(f"The backup is damaged: line {number} of data.json is no row.")
            yield row
    raise BackupError("The backup is damaged: data.json ends early.")


class _NaturalKeys:
    """Natural foreign keys → primary keys, each looked up once."""

    def __init__(self):
        self.found: dict[tuple, object] = {}

    def pk(self, model, key):
        cache_key = (model._meta.label_lower, tuple(key))
        if cache_key not in self.found:
            try:
                obj = model._default_manager.db_manager(DEFAULT_DB_ALIAS).get_by_natural_key(*key)
            except model.DoesNotExist:
                raise BackupError(
                    f"The backup refers to a {model._meta.label} {list(key)!r} that this "
                    "installation does not have (a different release?)."
                ) from None
            self.found[cache_key] = obj.pk
        return self.found[cache_key]

    def resolve(self, model, row: dict) -> dict:
        """`row` with its natural foreign keys replaced by primary keys."""
        fields = row.get("fields") or {}
        for name, value in fields.items():
            if not isinstance(value, list) or not value:
                continue
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # the deserializer names it
                continue
            related = field.related_model if field.is_relation else None
            if related is None or not hasattr(related._default_manager, "get_by_natural_key"):
                continue
            if field.many_to_many:
                fields[name] = [
                    self.pk(related, v) if isinstance(v, list) else v for v in value
                ]  # fmt: skip
            elif field.many_to_one or field.one_to_one:
                fields[name] = self.pk(related, value)
        return row


def _insert(model, objects: list) -> None:
    meta = model._meta
    fields = [field for field in meta.local_concrete_fields if not field.generated]
    size = max(1, connection.ops.bulk_batch_size(fields, objects) or len(objects))
    for start in range(0, len(objects), size):
        model._base_manager._insert(
            objects[start : start + size], fields=fields, raw=True, using=DEFAULT_DB_ALIAS
        )


def _insert_m2m(model, deserialized: list) -> None:
    for name in {name for item in deserialized for name in (item.m2m_data or {})}:
        field = model._meta.get_field(name)
        through = field.remote_field.through
        if not through._meta.auto_created:
            continue  # an explicit through model has its own rows in the backup
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        links = [
            through(**{f"{source}_id": item.object.pk, f"{target}_id": value})
            for item in deserialized
            for value in (item.m2m_data or {}).get(name, ())
        ]
        through._base_manager.bulk_create(links, batch_size=BATCH)


def _flush(label: str, batch: list[dict]) -> tuple:
    model = apps.get_model(label)
    deserialized = list(serializers.deserialize("python", batch, handle_forward_references=False))
    _insert(model, [item.object for item in deserialized])
    _insert_m2m(model, deserialized)
    return model


def load_rows(rows_: Iterable[dict], progress: Progress | None = None) -> dict[str, int]:
    """Insert `rows_` (grouped by model, parents before children) in batches; returns the rows
    loaded per model label. Runs inside the caller's transaction."""
    progress = progress or (lambda message: None)
    natural = _NaturalKeys()
    counts: dict[str, int] = {}
    loaded_models = []
    label, batch = None, []

    def flush():
        if batch:
            model = _flush(label, batch)
            if model not in loaded_models:
                loaded_models.append(model)
            batch.clear()

    for row in rows_:
        if row["model"] != label:
            flush()
            if label and counts.get(label):
                progress(f"  {label}: {counts[label]}")
            label = row["model"]
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                raise BackupError(
                    f"The backup holds rows of {label!r}, which this release does not have."
                ) from None
        batch.append(natural.resolve(model, row))
        counts[label] = counts.get(label, 0) + 1
        if len(batch) >= BATCH:
            flush()
    flush()
    if label and counts.get(label):
        progress(f"  {label}: {counts[label]}")
    _reset_sequences(loaded_models)
    return counts


def _reset_sequences(models_: list) -> None:
    """Next primary keys after the restored ones (PostgreSQL; SQLite needs nothing)."""
    through = [
        field.remote_field.through
        for model in models_
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    statements = connection.ops.sequence_reset_sql(no_style(), [*models_, *through])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
