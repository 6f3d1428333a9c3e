"""write_backup(): every kept table and the media files they refer to, from one snapshot.

The rows are Django's own serialisation (the `python` serializer dumpdata uses, natural keys for
foreign keys to content types, permissions and users), one JSON object per line in primary-key
order, many-to-many lists sorted, datetimes to the microsecond (Django's JSON encoder would cut
them to milliseconds and change every ETag of the restored installation)."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils import timezone

from .archive import (
    DATA,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_PREFIX,
    BackupError,
    applied_migrations,
    backed_up_models,
    content_digest,
)

CHUNK = 1000
#: The database alias of SQLite's snapshot copy while a backup reads it.
SNAPSHOT = "backup_snapshot"
#: Already compressed: stored as they are in the archive.
STORED_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".mp4", ".zip", ".docx", ".xlsx"}

Progress = Callable[[str], None]


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder without its cut to milliseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def _rows(model, alias: str) -> Iterator[dict]:
    """The model's rows in the serializer's shape, by primary key, in chunks."""
    natural = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and hasattr(field.related_model, "natural_key")
    ]
    m2m = [field.name for field in model._meta.many_to_many if field.serialize]
    queryset = model._base_manager.using(alias).order_by(model._meta.pk.name)
    if natural:
        queryset = queryset.select_related(*natural)
    if m2m:
        queryset = queryset.prefetch_related(*m2m)
    objects = queryset.iterator(chunk_size=CHUNK)
    while chunk := list(islice(objects, CHUNK)):
        for row in serializers.serialize("python", chunk, use_natural_foreign_keys=True):
            for name in m2m:
                row["fields"][name] = sorted(
                    row["fields"][name], key=lambda v: json.dumps(v, cls=_Encoder)
                )
            yield row


def _media_names(models_: list, alias: str) -> list[str]:
    names: set[str] = set()
    for model in models_:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                values = (
                    model._base_manager.using(alias)
                    .exclude(**{field.name: ""})
                    .values_list(field.name, flat=True)
                )
                names.update(value for value in values if value)
    return sorted(names)


@contextmanager
def _snapshot(scratch: Path) -> Iterator[str]:
    """A consistent read of the database, as the alias to read it through.

    PostgreSQL: one REPEATABLE READ, READ ONLY transaction (writers go on meanwhile). SQLite:
    its online backup API copies the database file into `scratch` (page by page, a read lock
    for the copy only — about a second per 100 MB — instead of the whole export) and the
    export reads the copy. A caller's transaction (tests) is one snapshot already."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield DEFAULT_DB_ALIAS
        return
    if connection.vendor != "sqlite":
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield DEFAULT_DB_ALIAS
        return
    copy = scratch / "snapshot.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)  # all pages in one step: one short read lock
    finally:
        target.close()
    # A connection of this thread only, not one of the configured databases (nothing else
    # iterating `connections` sees it).
    connections.settings[SNAPSHOT] = {**connections.settings[DEFAULT_DB_ALIAS], "NAME": str(copy)}
    try:
        snapshot = connections[SNAPSHOT]
    finally:
        del connections.settings[SNAPSHOT]
    try:
        yield SNAPSHOT
    finally:
        snapshot.close()
        del connections[SNAPSHOT]


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = (
        zipfile.ZIP_STORED if Path(name).suffix.lower() in STORED_SUFFIXES else zipfile.ZIP_DEFLATED
    )
    info.external_attr = 0o644 << 16
    return info


def _write_data(archive: zipfile.ZipFile, models_: list, alias: str, progress: Progress):
    digest, size, counts = hashlib.sha256(), 0, {}
    with archive.open(_zip_info(DATA), "w", force_zip64=True) as out:

        def write(text: str) -> None:
            nonlocal size
            data = text.encode()
            digest.update(data)
            size += len(data)
            out.write(data)

        write("[")
        first = True
        for model in models_:
            count = 0
            for row in _rows(model, alias):
                line = json.dumps(row, cls=_Encoder, ensure_ascii=False)
                write(("\n" if first else ",\n") + line)
                first = False
                count += 1
            counts[model._meta.label_lower] = count
            if count:
                progress(f"  {model._meta.label}: {count}")
        write("\n]\n")
    return {"sha256": digest.hexdigest(), "bytes": size}, counts


def _write_media(archive: zipfile.ZipFile, names: list[str], progress: Progress):
    media, missing = {}, []
    for name in names:
        digest = hashlib.sha256()
        try:
            source = default_storage.open(name, "rb")
        except (FileNotFoundError, OSError):
            missing.append(name)
            continue
        with source, archive.open(_zip_info(MEDIA_PREFIX + name), "w", force_zip64=True) as out:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        media[name] = digest.hexdigest()
    if missing:
        progress(f"  {len(missing)} media file(s) referred to but missing from storage: "
                 + ", ".join(missing[:10]))  # fmt: skip
    progress(f"  media: {len(media)} file(s)")
    return media, missing


def write_backup(path: str | os.PathLike, progress: Progress | None = None) -> dict:
    """Write a backup to `path` (a new ZIP file, in place only once complete); return the
    manifest."""
    progress = progress or (lambda message: None)
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the name of the backup file to write.")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent}: no such folder.")
    models_ = backed_up_models()
    fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    try:
        with (
            zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
            tempfile.TemporaryDirectory(prefix=f".{path.name}.", dir=path.parent) as scratch,
        ):
            with _snapshot(Path(scratch)) as alias:
                started = timezone.now()
                migrations = applied_migrations(connections[alias])
                data, counts = _write_data(archive, models_, alias, progress)
                media, missing = _write_media(archive, _media_names(models_, alias), progress)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": started.isoformat(),
                "database": connection.vendor,
                "migrations": migrations,
                "data": data,
                "counts": counts,
                "media": media,
                "missing_media": missing,
            }
            manifest["content_digest"] = content_digest(manifest)
            text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
            archive.writestr(_zip_info(MANIFEST), text)
        os.chmod(partial, 0o600)  # hashed tokens, password hashes: owner-only
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return manifest
