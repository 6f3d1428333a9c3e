"""Backups from a consistent snapshot while people keep writing, and what restore accepts: older
backups (without Wagtail's reference index), and never a half-read or foreign-version file."""

import hashlib
import json
import threading
import zipfile

import pytest
from django.db import connection, connections
from wagtail.models import ReferenceIndex

from operations.archive import BackupError
from operations.backup import write_backup
from operations.restore import restore_backup
from personas.models import Persona
from tests.personas.factories import ImageFactory, PersonaFactory

pytestmark = pytest.mark.django_db


def _rewrite(source, target, change_data=None, change_manifest=None):
    """A copy of the backup `source` with data.json and/or the manifest changed (the data's
    checksum follows the change: a backup written that way, not damaged on the way)."""
    with zipfile.ZipFile(source) as old:
        data = old.read("data.json")
        manifest = json.loads(old.read("manifest.json"))
        if change_data:
            data = change_data(data)
            manifest["data"]["sha256"] = hashlib.sha256(data).hexdigest()
        if change_manifest:
            change_manifest(manifest)
        with zipfile.ZipFile(target, "w") as new:
            for item in old.infolist():
                if item.filename == "data.json":
                    new.writestr(item.filename, data)
                elif item.filename == "manifest.json":
                    new.writestr(item.filename, json.dumps(manifest))
                else:
                    new.writestr(item.filename, old.read(item.filename))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_people_keep_writing_while_a_backup_reads_and_it_holds_the_moment_it_started(
    tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    PersonaFactory(name="备份前", slug="before")
    personas = Persona.objects.count()
    written = []

    def write_meanwhile():
        try:
            Persona.objects.filter(slug="before").update(name="备份时改的")
            written.append("saved")
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            written.append(repr(exc))
        finally:
            connections.close_all()

    def progress(message):
        if not written:  # the first model is read: an editor saves (own connection)
            writer = threading.Thread(target=write_meanwhile)
            writer.start()
            writer.join(timeout=60)

    manifest = write_backup(tmp_path / "b.zip", progress=progress)
    assert written == ["saved"]  # not blocked until the backup was done
    assert not connection.in_atomic_block
    assert Persona.objects.get(slug="before").name == "备份时改的"
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        data = archive.read("data.json").decode()
    assert "备份前" in data and "备份时改的" not in data  # one snapshot: as it was at the start
    assert manifest["counts"]["personas.persona"] == personas


def test_an_older_backup_without_the_reference_index_gets_it_rebuilt(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    PersonaFactory(avatar=ImageFactory(), name="引用人设", slug="refs")
    fields = ("content_type", "object_id", "to_content_type", "to_object_id")
    references = set(ReferenceIndex.objects.values_list(*fields))
    assert references  # the persona refers to its avatar
    current, older = tmp_path / "current.zip", tmp_path / "older.zip"
    manifest = write_backup(current)
    assert manifest["counts"]["wagtailcore.referenceindex"] == len(references)

    def drop_references(data: bytes) -> bytes:
        lines = [line for line in data.split(b"\n") if b'"wagtailcore.referenceindex"' not in line]
        rows = [line.rstrip(b",") for line in lines[1:-2]]  # between "[" and "]", ""
        return b"[\n" + b",\n".join(rows) + b"\n]\n"

    _rewrite(current, older, drop_references,
             lambda m: m["counts"].pop("wagtailcore.referenceindex"))  # fmt: skip
    restore_backup(older, replace=True)
    assert Persona.objects.get().name == "引用人设"
    assert references <= set(ReferenceIndex.objects.values_list(*fields))  # rebuilt


def test_a_data_file_cut_short_or_of_another_version_is_refused_and_nothing_changes(
    tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    PersonaFactory(name="原来的", slug="kept")
    good = tmp_path / "good.zip"
    write_backup(good)
    Persona.objects.filter(slug="kept").update(name="现在的")

    cut = tmp_path / "cut.zip"
    _rewrite(good, cut, lambda data: data[: data.rindex(b"\n", 0, len(data) - 3)])
    with pytest.raises(BackupError, match="ends early"):
        restore_backup(cut, replace=True)
    assert Persona.objects.get().name == "现在的"

    garbled = tmp_path / "garbled.zip"
    _rewrite(good, garbled, lambda data: data.replace(b'{"model"', b'{"mod', 1))
    with pytest.raises(BackupError, match="line 2 of data.json"):
        restore_backup(garbled, replace=True)
    assert Persona.objects.get().name == "现在的"

    future = tmp_path / "future.zip"
    _rewrite(good, future, change_manifest=lambda m: m.update(format_version=99))
    with pytest.raises(BackupError, match="format version 99.*version 1 only"):
        restore_backup(future, replace=True)
    assert Persona.objects.get().name == "现在的"

    restore_backup(good, replace=True)
    restored = Persona.objects.get()
    assert restored.name == "原来的"
    # the next new row gets a fresh primary key (PostgreSQL's sequences were reset)
    assert PersonaFactory(name="恢复后新建", slug="after").pk > restored.pk
