"""Every script has a stable external_id from creation, so export → import never duplicates."""

import importlib

import pytest
from django.apps import apps

from content.exporting import export_file
from content.import_run import import_file
from content.models import ChatScript, MomentScript, Script
from tests.personas.factories import PersonaFactory

from .factories import (
    ChatScriptFactory,
    GroupScriptFactory,
    LivestreamScriptFactory,
    MomentScriptFactory,
)
from .test_admin import KIND_EXTRA, form, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def persona():
    return PersonaFactory(slug="xiaomei", name="小美", address_terms=["宝子们"])


def written_in_the_admin(persona):
    """Scripts of every kind created without an external_id, some published, one a draft."""
    return [
        MomentScriptFactory(persona=persona, first_comment="评论区见"),
        GroupScriptFactory(persona=persona, publish=False),
        LivestreamScriptFactory(persona=persona),
        ChatScriptFactory(persona=persona, triggers=["在吗"]),
    ]


def test_a_new_script_gets_a_unique_key_named_for_its_kind(persona):
    scripts = written_in_the_admin(persona)
    keys = [s.external_id for s in scripts]
    assert all(keys) and len(set(keys)) == 4
    assert keys[0].startswith("moment-") and keys[3].startswith("chat-")


def test_admin_shows_the_key_and_lets_it_change_until_the_first_publish(
    copywriter_client, manager_client, persona
):
    response = copywriter_client.post(
        url(ChatScript, "add"), form(persona, **KIND_EXTRA[ChatScript])
    )
    assert response.status_code == 302
    script = ChatScript.objects.get()
    assert script.external_id.startswith("chat-")
    page = copywriter_client.get(url(ChatScript, "edit", script.pk)).content.decode()
    assert script.external_id in page

    renamed = form(persona, **KIND_EXTRA[ChatScript], external_id="faq-price")
    assert copywriter_client.post(url(ChatScript, "edit", script.pk), renamed).status_code == 302
    script.refresh_from_db()
    assert script.external_id == "faq-price"

    publish = {**renamed, "action-publish": "1"}
    assert manager_client.post(url(ChatScript, "edit", script.pk), publish).status_code == 302
    again = form(persona, **KIND_EXTRA[ChatScript], external_id="another", title="改个标题")
    assert manager_client.post(url(ChatScript, "edit", script.pk), again).status_code == 302
    page = manager_client.get(url(ChatScript, "edit", script.pk)).content.decode()
    assert "faq-price" in page and "another" not in page
    again["action-publish"] = "1"
    manager_client.post(url(ChatScript, "edit", script.pk), again)
    script.refresh_from_db()
    assert (script.external_id, script.title) == ("faq-price", "改个标题")


def test_a_taken_key_is_a_form_error(copywriter_client, persona):
    MomentScriptFactory(persona=persona, external_id="taken")
    data = form(persona, **KIND_EXTRA[MomentScript], external_id="taken")
    response = copywriter_client.post(url(MomentScript, "add"), data)
    assert response.status_code == 200
    assert "external_id" in response.context["form"].errors


def test_export_then_import_into_the_same_database_changes_nothing(persona, tmp_path):
    written_in_the_admin(persona)
    before = sorted(Script.objects.values_list("pk", "external_id", "latest_revision_id"))
    export_file(tmp_path / "all.jsonl")
    result = import_file(tmp_path / "all.jsonl")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    after = sorted(Script.objects.values_list("pk", "external_id", "latest_revision_id"))
    assert after == before


def test_export_then_import_into_an_empty_database_recreates_the_same_scripts(persona, tmp_path):
    written_in_the_admin(persona)
    export_file(tmp_path / "first.jsonl")
    Script.objects.all().delete()
    result = import_file(tmp_path / "first.jsonl")
    assert result.ok and result.created == 4
    export_file(tmp_path / "second.jsonl")
    first = (tmp_path / "first.jsonl").read_text("utf-8")
    assert first == (tmp_path / "second.jsonl").read_text("utf-8")
    assert import_file(tmp_path / "second.jsonl").unchanged == 4


def test_migration_gives_old_rows_the_keys_earlier_exports_invented(persona, tmp_path):
    script = MomentScriptFactory(persona=persona, first_comment="评论区见")
    keyed = ChatScriptFactory(persona=persona, external_id="faq-1")
    Script.objects.filter(pk=script.pk).update(external_id=None)  # as before the migration
    revision = script.get_latest_revision()
    revision.content["external_id"] = None
    revision.save(update_fields=["content"])
    export_file(tmp_path / "old.jsonl")  # what an export did then: cms-<id>
    migration = importlib.import_module("content.migrations.0006_desk_import_external_id")
    migration.backfill(apps, None)
    script.refresh_from_db()
    assert script.external_id == f"cms-{script.pk}"
    assert Script.objects.get(pk=keyed.pk).external_id == "faq-1"
    result = import_file(tmp_path / "old.jsonl")
    assert result.ok and result.created == 0 and result.unchanged == 2
    # A revision written before keys existed (external_id null inside) keeps the row's key
    # when it is published again.
    script.get_latest_revision().publish()
    script.refresh_from_db()
    assert script.external_id == f"cms-{script.pk}"
