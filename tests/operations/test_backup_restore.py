"""Backup → an empty installation → restore → backup again: the same content, the same API.

The empty installation is the test database as `migrate` left it: a small world with one of
everything is made inside a savepoint that is rolled back after the first backup, and the media
folder is emptied, as on a new machine."""

import io
import json
import shutil
import zipfile
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from bots.models import BotClient, ReportedEvent, Webhook
from content.models import KIND_MODELS, Script, ScriptUsage
from editorial_calendar.models import CalendarPause, SensitiveDate
from operations.archive import BackupError
from operations.backup import write_backup
from operations.restore import existing_content, restore_backup
from personas.models import Persona
from tests.content.factories import (
    ChatScriptFactory,
    GroupScriptFactory,
    LivestreamScriptFactory,
    MomentScriptFactory,
)
from tests.editorial_calendar.factories import CalendarEntryFactory, HotTopicFactory, persona_on
from tests.personas.factories import AudienceSegmentFactory, ImageFactory, PersonaFactory

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _api(client, token: str) -> dict[str, tuple[int, bytes, str]]:
    """What a bot sees: bodies (and ETags) of the list and detail endpoints."""
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    today = timezone.localdate()
    paths = [
        "/api/v1/personas/",
        "/api/v1/scripts/?limit=100",
        "/api/v1/hot-topics/",
        f"/api/v1/calendar/?from={today - timedelta(days=40)}&to={today + timedelta(days=60)}",
        "/api/v1/search/?q=会员日",
        "/api/v1/scripts/?persona=xiaomei&tag=会员日",
    ]
    slugs = Persona.objects.values_list("slug", flat=True)
    paths += [f"/api/v1/personas/{slug}/" for slug in slugs]
    paths += [f"/api/v1/scripts/{pk}/" for pk in Script.objects.values_list("pk", flat=True)]
    out = {}
    for path in paths:
        response = client.get(path, **auth)
        # Search hits too, in the same order: equal scores are ordered by primary key
        # (a rebuilt PostgreSQL index lists them in another order than the one written to).
        out[path] = (response.status_code, response.content, response.get("ETag", ""))
    return out


def _world(client, manager) -> str:
    """A small installation with one of everything a backup must carry; returns a bot token."""
    persona = persona_on("wechat", avatar=ImageFactory(), name="小美", slug="xiaomei")
    PersonaFactory(publish=False, name="草稿人设", slug="draft-persona")
    segment = AudienceSegmentFactory(slug="vip", name="会员")
    topic = HotTopicFactory(name="双十一", slug="double-11")
    scripts = [
        MomentScriptFactory(persona=persona, tags=["会员日", "新品"], audiences=[segment],
                            hot_topic=topic.slug, title="会员日新品朋友圈"),
        GroupScriptFactory(persona=persona, title="会员日群公告"),
        LivestreamScriptFactory(persona=persona, title="会员日直播"),
        ChatScriptFactory(persona=persona, title="会员日私聊", triggers=["会员日"]),
        ChatScriptFactory(persona=persona, title="未发布的话术", publish=False),
    ]  # fmt: skip
    for status in ("idea", "in_review", "approved"):
        CalendarEntryFactory(persona=persona, status=status, date=timezone.localdate())
    CalendarEntryFactory(persona=persona, status="approved", date=timezone.localdate(),
                         script=scripts[0], hot_topic=topic)  # fmt: skip
    SensitiveDate.objects.create(name="测试敏感日", month=6, day=4, rule="avoid")
    CalendarPause.objects.create(
        start=timezone.localdate() + timedelta(days=3),
        end=timezone.localdate() + timedelta(days=4),
        reason="系统维护",
        created_by=manager,
    )
    bot, token = BotClient.create("backup-test", all_personas=True)
    Webhook.objects.create(client=bot, url="https://hooks.example.com/siyu", secret="s" * 32)
    events = {"events": [{"script": scripts[0].pk, "type": "sent", "count": 7,
                          "idempotency_key": "backup-1"}]}  # fmt: skip
    response = client.post(
        "/api/v1/events/", events, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    assert response.status_code == 202, response.content
    draft = scripts[0].get_latest_revision_as_object()  # a draft over the live version
    draft.title = "草稿：" + draft.title
    draft.save_revision(user=manager)
    moderated = KIND_MODELS["group"].objects.get(pk=scripts[1].pk)  # in moderation
    moderated.save_revision(user=manager)
    moderated.get_workflow().start(moderated, manager)
    return token


def test_backup_restore_into_an_empty_installation_gives_the_same_content_and_api(
    client, tmp_path, settings, manager
):
    settings.MEDIA_ROOT = tmp_path / "media"
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    try:
        with transaction.atomic():
            token = _world(client, manager)
            before = _api(client, token)
            manifest = write_backup(first)
            raise _Rollback
    except _Rollback:
        pass
    assert sum(answer[0] == 200 for answer in before.values()) >= 10
    assert b"/media/images/" in before["/api/v1/personas/xiaomei/"][1]  # the avatar's rendition
    assert json.loads(before["/api/v1/search/?q=会员日"][1])["count"] >= 4
    shutil.rmtree(settings.MEDIA_ROOT)
    assert existing_content() == {"auth.user": 1}  # only this test's manager is left
    assert manifest["counts"]["content.script"] == 5
    assert manifest["counts"]["compliance.compliancerecord"] >= 4
    assert manifest["counts"]["bots.webhook"] == 1
    assert manifest["counts"]["bots.reportedevent"] == 1
    assert manifest["counts"]["wagtailcore.workflowstate"] >= 1
    assert manifest["media"] and not manifest["missing_media"]

    restored = restore_backup(first, replace=True)
    assert restored["content_digest"] == manifest["content_digest"]
    again = write_backup(second)
    assert again["content_digest"] == manifest["content_digest"]
    assert again["counts"] == manifest["counts"]

    # the hashed token still opens the API, and every body and ETag is the same
    assert _api(client, token) == before
    usage = ScriptUsage.objects.get()
    assert usage.sent == 7 and ReportedEvent.objects.count() == 1
    assert Script.objects.filter(has_unpublished_changes=True, live=True).exists()
    assert CalendarPause.objects.filter(reason="系统维护").exists()
    assert Webhook.objects.get().secret == "s" * 32


def _small_installation() -> None:
    persona = PersonaFactory(avatar=ImageFactory())
    MomentScriptFactory(persona=persona, tags=["会员日"])


def test_restore_refuses_a_non_empty_installation_and_changes_nothing(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    _small_installation()
    archive = tmp_path / "b.zip"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Backup written" in out.getvalue()
    persona = Persona.objects.order_by("pk").first()
    Persona.objects.filter(pk=persona.pk).update(name="改过的名字")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Persona.objects.get(pk=persona.pk).name == "改过的名字"
    call_command("restore", str(archive), "--replace", stdout=io.StringIO())
    assert Persona.objects.get(pk=persona.pk).name == persona.name


def _rewrite(source, target, change):
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = change(item.filename, old.read(item.filename))
            if data is not None:
                new.writestr(item.filename, data)


def test_damaged_or_foreign_archives_are_refused_with_a_reason(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    PersonaFactory(name="备份人设", slug="beifen")
    good = tmp_path / "good.zip"
    write_backup(good)
    Persona.objects.all().delete()

    (tmp_path / "text.zip").write_text("not a zip at all")
    with pytest.raises(BackupError, match="not a backup"):
        restore_backup(tmp_path / "text.zip")
    with zipfile.ZipFile(tmp_path / "foreign.zip", "w") as foreign:
        foreign.writestr("manifest.json", json.dumps({"format": "something-else"}))
    with pytest.raises(BackupError, match="not a backup"):
        restore_backup(tmp_path / "foreign.zip")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(BackupError):
        restore_backup(truncated)

    def tamper(name, data):
        if name != "data.json":
            return data
        return data.replace("备份人设".encode(), "篡改人设".encode())

    _rewrite(good, tmp_path / "tampered.zip", tamper)
    with pytest.raises(BackupError, match="checksum"):
        restore_backup(tmp_path / "tampered.zip")

    def older_release(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["personas"] = manifest["migrations"]["personas"][:1]
        return json.dumps(manifest)

    _rewrite(good, tmp_path / "older.zip", older_release)
    with pytest.raises(BackupError, match="different release.*personas"):
        restore_backup(tmp_path / "older.zip")
    assert not Persona.objects.exists()
    restore_backup(good)
    assert Persona.objects.get().name == "备份人设"


def test_a_load_that_fails_half_way_leaves_nothing_behind(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    _small_installation()
    archive = tmp_path / "b.zip"
    write_backup(archive)
    scripts = Script.objects.count()
    shutil.rmtree(settings.MEDIA_ROOT)

    from operations import restore

    real = restore._load

    def failing(data_file, manifest):
        real(data_file, manifest)
        raise BackupError("simulated failure after the load")

    monkeypatch.setattr(restore, "_load", failing)
    with pytest.raises(BackupError, match="simulated"):
        restore_backup(archive, replace=True)
    assert Script.objects.count() == scripts  # rolled back to what was there
    assert not any(p.is_file() for p in (tmp_path / "media").rglob("*"))  # files removed again


def test_bad_file_arguments_get_a_clear_error_and_write_nothing(tmp_path):
    with pytest.raises(CommandError, match="is a folder"):
        call_command("backup", str(tmp_path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no such folder"):
        call_command("backup", str(tmp_path / "nope" / "b.zip"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.zip"), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []
