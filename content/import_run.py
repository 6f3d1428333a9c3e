"""Running an import: read the file, validate every row, then write all of them or nothing.

The write happens under the import lock (import_lock.py). Rows are validated first without it,
so that a file with errors is reported at once and never waits; if the scripts the file names
changed while this import waited for the lock (another import wrote them), every row is
validated again under the lock, so `external_id` upserts stay upserts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from . import import_lock
from .import_files import ImportFileError, RowError, read_rows
from .import_lookups import Lookups
from .importing import ImportResult, Prepared, prepare_row
from .models import Script


def import_file(
    path: str | Path,
    *,
    publish: bool = False,
    dry_run: bool = False,
    user=None,
    progress: Callable[[int], None] | None = None,
    waiting: Callable[[], None] | None = None,
    wrote: Callable[[int], None] | None = None,
    counted: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate every row of the file, then write them all in one transaction, or nothing.
    `counted(rows)` once the file is read, `progress(n)` per row validated, `wrote(n)` per
    row written (inside the transaction: report it outside the database)."""
    path = Path(path)
    result = ImportResult(dry_run=dry_run)
    if not path.exists():
        result.errors.append(RowError(0, "", _("No such file: %(p)s") % {"p": path}))
        return result
    try:
        rows = list(read_rows(path, result.notes, result.errors))
    except ImportFileError as error:
        result.errors.append(RowError(0, "", str(error)))
        return result
    if counted:
        counted(len(rows))
    return import_rows(
        rows,
        publish=publish,
        dry_run=dry_run,
        user=user,
        progress=progress,
        waiting=waiting,
        wrote=wrote,
        result=result,
    )


def _prepare_all(
    rows: list[tuple[int, dict]],
    publish: bool,
    progress: Callable[[int], None] | None = None,
    user=None,
) -> tuple[list[Prepared], list[RowError]]:
    lookups = Lookups()
    prepared: list[Prepared] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for count, (number, data) in enumerate(rows, start=1):
        item, row_errors = prepare_row(number, data, lookups, publish=publish)
        errors.extend(row_errors)
        refused = item is not None and _refused(item, user)
        if refused:
            errors.append(RowError(number, "kind", refused))
        elif item is not None:
            if item.external_id in seen:
                errors.append(
                    RowError(
                        number,
                        "external_id",
                        _("“%(id)s” already used on row %(row)d")
                        % {"id": item.external_id, "row": seen[item.external_id]},
                    )
                )
                continue
            seen[item.external_id] = number
            prepared.append(item)
        if progress:
            progress(count)
    return prepared, errors


def _refused(item: Prepared, user) -> str:
    """Why `user` may not write this row ("" if they may): a new script needs its kind's add
    permission, a changed one its kind's change permission, as in the admin (no user: the
    import_content command, run by whoever runs the server)."""
    if user is None or not item.changed:
        return ""
    model = type(item.obj)
    action = "add" if item.existing is None else "change"
    if user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}"):
        return ""
    kind = model._meta.verbose_name_plural
    if action == "add":
        return _("You may not add %(kind)s.") % {"kind": kind}
    return _("You may not change %(kind)s.") % {"kind": kind}


def _state(external_ids: set[str]) -> dict[str, tuple]:
    """What the importer's decisions depend on, per existing script: its kind, latest revision
    and live flag. (One pass over the scripts with an external_id; an IN list of 100,000 ids
    is more than SQLite accepts.)"""
    rows = Script.objects.exclude(external_id=None).values_list(
        "external_id", "pk", "kind", "latest_revision_id", "live"
    )
    return {row[0]: row[1:] for row in rows.iterator(chunk_size=5000) if row[0] in external_ids}


def _validated_state(prepared: list[Prepared]) -> dict[str, tuple]:
    return {
        item.external_id: (e.pk, e.kind, e.latest_revision_id, e.live)
        for item in prepared
        if (e := item.existing) is not None
    }


def import_rows(
    rows: Iterable[tuple[int, dict]],
    *,
    publish: bool = False,
    dry_run: bool = False,
    user=None,
    progress: Callable[[int], None] | None = None,
    waiting: Callable[[], None] | None = None,
    wrote: Callable[[int], None] | None = None,
    result: ImportResult | None = None,
) -> ImportResult:
    """Import (row number, row) pairs already in the JSONL shape; all or nothing."""
    result = result or ImportResult(dry_run=dry_run)
    rows = list(rows)
    result.rows = len(rows)
    prepared, errors = _prepare_all(rows, publish, progress, user)
    result.errors.extend(errors)
    if result.errors or dry_run:
        if not result.errors:
            _count(result, prepared, publish)
        return result

    def waited() -> None:
        result.notes.append(_("Waited for another import to finish."))
        if waiting:
            waiting()

    lock = import_lock.import_lock(waiting=waited)
    with refused_as_errors(result.errors), lock, transaction.atomic():
        ids = {item.external_id for item in prepared}
        if _state(ids) != _validated_state(prepared):
            result.notes.append(
                _("Scripts in this file were changed meanwhile; every row was validated again.")
            )
            prepared, errors = _prepare_all(rows, publish, user=user)
            if errors:
                result.errors.extend(errors)
                return result  # nothing written yet: the transaction ends empty
        for count, item in enumerate(prepared, start=1):
            _write(item, publish=publish, user=user)
            if wrote:
                wrote(count)
    if result.errors:  # refused: nothing was written
        return result
    _count(result, prepared, publish)
    return result


@contextmanager
def refused_as_errors(errors: list[RowError]) -> Iterator[None]:
    """An import's write, whose refusal becomes the file's error with nothing written: another
    import held the lock too long (``ImportBusy``), or the database refused it — something
    outside the importer changed the database under it (a persona deleted, a lock held longer
    than the busy timeout) and the transaction rolled back as a whole. Every importer (scripts,
    sequences) writes inside it."""
    try:
        yield
    except import_lock.ImportBusy as error:
        errors.append(RowError(0, "", str(error)))
    except DatabaseError as error:
        message = _("The database refused the import (%(e)s); nothing was written. Run it again.")
        errors.append(RowError(0, "", message % {"e": error}))


def _count(result: ImportResult, prepared: list[Prepared], publish: bool) -> None:
    for item in prepared:
        if item.existing is None:
            result.created += 1
        elif item.changed:
            result.updated += 1
        else:
            result.unchanged += 1
        if publish and (item.changed or item.existing is None or not item.existing.live):
            result.published += 1


def _write(item: Prepared, *, publish: bool, user) -> None:
    obj = item.obj
    if item.existing is None:
        obj.live = publish
        obj.save()
        revision = obj.save_revision(user=user, log_action=True)
        if publish:
            revision.publish(user=user)
        return
    if not item.changed:
        if publish and not item.existing.live:
            item.existing.as_kind().latest_revision.publish(user=user)
        return
    obj.pk = item.existing.pk
    revision = obj.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
