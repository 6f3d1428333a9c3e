"""The backup archive: one ZIP file holding `data.json` (Django's JSON serialisation of every
kept table, natural keys for content types, permissions and users), `media/<name>` for every
file the data refers to, and `manifest.json` describing and checksumming both.

The manifest's *content digest* names what was backed up, not when: two backups of the same
content have the same digest whatever their dates, database or archive compression."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "siyu-cms-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA_PREFIX = "media/"

#: Tables that are not content. Content types and permissions are created by `migrate` and
#: referred to by natural key; the rest is rebuilt or regenerated after a restore, or belongs
#: to the running installation (sign-ins, the task queue, the worker lease, open editors).
#: Wagtail's reference index is kept (since format 1's second edition): rebuilding it costs
#: more than the rest of a restore; backups without it get it rebuilt.
SKIPPED_MODELS = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "sessions.session",
        "wagtailsearch.indexentry",
        "wagtailsearch.sqliteftsindexentry",
        "wagtailimages.rendition",
        "wagtailcore.uploadedfile",
        "wagtailadmin.editingsession",
        "wagtailadmin.formstate",
        "django_tasks_database.dbtaskresult",
        "bots.workerlease",
        "core.generation",  # the running installation's, replaced after a restore
    }
)
#: Rebuilt by `restore` from the restored rows, so never emptied by it by SQL.
REBUILT_BY_RESTORE = frozenset({"wagtailsearch.indexentry", "wagtailsearch.sqliteftsindexentry"})
#: Kept out of `restore`'s flush altogether: `migrate` made them and the data refers to them.
KEPT_BY_RESTORE = frozenset({"contenttypes.contenttype", "auth.permission"})


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def backed_up_models() -> list:
    """Concrete, managed models whose rows go into a backup, in dependency order."""
    from django.core import serializers

    app_list = {}
    for config in apps.get_app_configs():
        models = [
            model
            for model in config.get_models()
            if not model._meta.proxy
            and model._meta.managed
            and model._meta.label_lower not in SKIPPED_MODELS
        ]
        if models:
            app_list[config] = models
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def applied_migrations(using=None) -> dict[str, list[str]]:
    """The migrations applied to this database, per app (a backup restores into the same set)."""
    recorder = MigrationRecorder(using or connection)
    if not recorder.has_table():
        return {}
    out: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        out.setdefault(app, []).append(name)
    return out


def content_digest(manifest: dict) -> str:
    """What the backup holds: the data's checksum and every media file's name and checksum."""
    digest = hashlib.sha256()
    digest.update(manifest["data"]["sha256"].encode())
    for name, checksum in sorted(manifest["media"].items()):
        digest.update(f"\n{name}\t{checksum}".encode())
    return digest.hexdigest()


@dataclass
class OpenedArchive:
    """A backup archive whose manifest has been read and checked (not its members yet)."""

    zip: zipfile.ZipFile
    manifest: dict

    def close(self) -> None:
        self.zip.close()


def open_archive(path: Path) -> OpenedArchive:
    """Open `path` and read its manifest, refusing anything that is not one of our backups."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(
            f"{path} is not a backup made by `manage.py backup` (not a readable ZIP file: {exc})."
        ) from exc
    try:
        try:
            raw = archive.read(MANIFEST)
        except KeyError:
            raise BackupError(
                f"{path} is not a backup made by `manage.py backup` (it has no {MANIFEST})."
            ) from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise BackupError(f"{path} is damaged: its manifest cannot be read ({exc}).") from exc
        try:
            manifest = json.loads(raw)
        except ValueError:
            raise BackupError(f"{path} is damaged: its manifest is not valid JSON.") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"{path} is not a backup made by `manage.py backup`.")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"{path} is a backup of format version {manifest.get('format_version')!r}; "
                f"this release reads version {FORMAT_VERSION} only."
            )
        for key in ("data", "media", "migrations", "counts"):
            if not isinstance(manifest.get(key), dict):
                raise BackupError(f"{path} is damaged: its manifest has no valid {key!r}.")
    except BaseException:
        archive.close()
        raise
    return OpenedArchive(archive, manifest)


def read_member(opened: OpenedArchive, name: str, expected_sha256: str, target) -> None:
    """Copy member `name` into the binary file `target`, checking it against its checksum."""
    digest = hashlib.sha256()
    try:
        with opened.zip.open(name) as source:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                target.write(chunk)
    except KeyError:
        raise BackupError(f"The backup is damaged: {name} is missing from it.") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"The backup is damaged: {name} cannot be read ({exc}).") from exc
    if digest.hexdigest() != expected_sha256:
        raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
