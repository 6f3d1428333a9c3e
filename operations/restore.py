"""restore_backup(): a backup into an empty installation (same release, migrated), all or nothing.

Order: check the archive and the installation (nothing written yet); put the media files in
storage (skipping identical ones); then, in one transaction, empty every restored table, stream
the rows in with multi-row INSERTs (operations/loader.py: raw, as `loaddata` saves them — no
model save() logic, no webhooks, no search updates; sequences reset on PostgreSQL), check the
foreign keys and compare the row counts with the manifest. A failure rolls the database back
and removes the media files this run wrote. After the commit: the search index and Wagtail's
reference index are rebuilt once and the cache is emptied."""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from core import generation
from search import index_admin

from . import loader
from .archive import (
    DATA,
    KEPT_BY_RESTORE,
    MEDIA_PREFIX,
    REBUILT_BY_RESTORE,
    BackupError,
    OpenedArchive,
    applied_migrations,
    open_archive,
    read_member,
)

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]

#: What makes an installation "not empty": anything people made (migrations make none of it).
CONTENT_MODELS = (
    "auth.user",
    "personas.persona",
    "content.script",
    "editorial_calendar.hottopic",
    "editorial_calendar.calendarentry",
    "bots.botclient",
    "wagtailimages.image",
    "wagtaildocs.document",
)


def existing_content() -> dict[str, int]:
    """Rows of CONTENT_MODELS in this installation (empty dict = an empty installation)."""
    counts = {}
    for label in CONTENT_MODELS:
        count = apps.get_model(label)._base_manager.count()
        if count:
            counts[label] = count
    return counts


def _check_installation(opened: OpenedArchive, replace: bool) -> None:
    current = applied_migrations()
    if not current:
        raise BackupError("This database has no tables yet: run `manage.py migrate` first.")
    wanted = opened.manifest["migrations"]
    if current != wanted:
        apps_differing = sorted(
            app for app in set(current) | set(wanted) if current.get(app) != wanted.get(app)
        )
        raise BackupError(
            "The backup was made by a different release (the database migrations differ in: "
            + ", ".join(apps_differing)
            + "). Restore it with the release that made it, then upgrade."
        )
    content = existing_content()
    if content and not replace:
        raise BackupError(
            "This installation is not empty ("
            + ", ".join(f"{label}: {count}" for label, count in content.items())
            + "). Restore into a freshly migrated database, or pass --replace to delete "
            "everything in this one first."
        )


def _sha256_of_stored(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stored:
        while chunk := stored.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _restore_media(opened: OpenedArchive, replace: bool, scratch: Path, written: list[str]):
    for name, checksum in sorted(opened.manifest["media"].items()):
        if default_storage.exists(name):
            if _sha256_of_stored(name) == checksum:
                continue
            if not replace:
                raise BackupError(
                    f"The media storage already holds a different file named {name}. Restore "
                    "into empty media storage, or pass --replace to overwrite it."
                )
            default_storage.delete(name)
        local = scratch / "media-file"
        with local.open("wb") as target:
            read_member(opened, MEDIA_PREFIX + name, checksum, target)
        with local.open("rb") as source:
            saved = default_storage.save(name, File(source))
        written.append(saved)
        if saved != name:
            raise BackupError(f"The media storage refused the name {name} (it chose {saved}).")


def _flush_tables() -> None:
    """Empty every table the backup restores (and the ones rebuilt from it), by SQL."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if (
            model._meta.proxy
            or not model._meta.managed
            or label in KEPT_BY_RESTORE
            or label in REBUILT_BY_RESTORE
        ):
            continue
        tables.add(model._meta.db_table)
    existing = set(connection.introspection.table_names())
    if connection.vendor == "postgresql":
        # Deferred foreign-key checks of rows written earlier in this transaction must run
        # before TRUNCATE ("pending trigger events"); loaddata defers them again itself.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    statements = connection.ops.sql_flush(
        no_style(), sorted(tables & existing), reset_sequences=False, allow_cascade=False
    )
    connection.ops.execute_sql_flush(statements)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # loaddata relies on deferred checks on PostgreSQL
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _load(data_file: Path, manifest: dict) -> None:
    _flush_tables()
    loaded = loader.load_rows(loader.rows(data_file))
    tables = [apps.get_model(label)._meta.db_table for label in loaded]
    connection.check_constraints(table_names=tables)
    wrong = []
    for label, expected in sorted(manifest["counts"].items()):
        model = apps.get_model(label)
        found = model._base_manager.count()
        if found != expected:
            wrong.append(f"{label}: {found} instead of {expected}")
    if wrong:
        raise BackupError("The restored rows do not match the backup: " + "; ".join(wrong))


def _after_restore(manifest: dict, progress: Progress) -> None:
    progress("Rebuilding the search index…")
    index_admin.rebuild()
    if "wagtailcore.referenceindex" not in manifest["counts"]:  # an older backup: not in it
        progress("Rebuilding Wagtail's reference index…")
        call_command("rebuild_references_index", verbosity=0)
    # Rows were written without model signals: no cached API answer of any process may outlive
    # the restore (cache.clear() below reaches only this process's cache without Redis).
    generation.bump()
    try:
        cache.clear()  # ETag bodies, scope and token caches of whatever was here before
    except Exception:  # noqa: BLE001 - the cache being away must not fail a finished restore
        logger.warning("The cache could not be emptied after the restore; clear it by hand.")


def restore_backup(path, replace: bool = False, progress: Progress | None = None) -> dict:
    """Restore the backup at `path`; return its manifest. Raises BackupError, changing nothing."""
    progress = progress or (lambda message: None)
    opened = open_archive(Path(path))
    written: list[str] = []
    try:
        _check_installation(opened, replace)
        with tempfile.TemporaryDirectory(prefix="siyu-restore-") as scratch:
            scratch = Path(scratch)
            data_file = scratch / DATA
            with data_file.open("wb") as target:
                read_member(opened, DATA, opened.manifest["data"]["sha256"], target)
            progress(f"Restoring {len(opened.manifest['media'])} media file(s)…")
            _restore_media(opened, replace, scratch, written)
            progress("Loading the data…")
            try:
                with transaction.atomic():
                    _load(data_file, opened.manifest)
            except (DeserializationError, IntegrityError, DatabaseError, LookupError) as exc:
                raise BackupError(
                    f"The backup could not be loaded, nothing was restored: {exc}"
                ) from exc
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    finally:
        opened.close()
    _after_restore(opened.manifest, progress)
    return opened.manifest
