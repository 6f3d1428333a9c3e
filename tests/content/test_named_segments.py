"""Livestream run-of-show as a host writes it: free segment names, an optional type."""

import importlib

import pytest
from django.apps import apps

from content.import_run import import_file
from content.models import LivestreamScript
from tests.personas.factories import PersonaFactory

from .factories import LivestreamScriptFactory
from .test_import_export import row, write_jsonl

pytestmark = pytest.mark.django_db


@pytest.fixture
def persona():
    return PersonaFactory(slug="xiaomei")


def livestream(segments):
    return {**row(external_id="l-1", kind="livestream", variables=[], messages=[]),
            "segments": segments}  # fmt: skip


def imported(tmp_path, segments):
    result = import_file(write_jsonl(tmp_path / "a.jsonl", [livestream(segments)]))
    return result, LivestreamScript.objects.filter(external_id="l-1").first()


def named(script):
    return [(b.value["name"], b.value["type"] or None) for b in script.segments]


def test_a_run_of_show_with_free_names_imports_and_types_are_inferred(persona, tmp_path):
    result, script = imported(
        tmp_path,
        [
            {"name": "开场", "minutes": 5},
            {"name": "产品讲解：气垫", "minutes": 15},
            {"name": "产品讲解：粉底液", "minutes": 15},
            {"name": "抽奖互动", "minutes": 10},
            {"name": "聊聊我的护肤日常", "minutes": 10},
            {"name": "福利时间", "type": "转化", "minutes": 5},
            {"type": "closing", "minutes": 3},
        ],
    )
    assert result.ok, [str(e) for e in result.errors]
    assert named(script) == [
        ("开场", "opening"),
        ("产品讲解：气垫", "demo"),
        ("产品讲解：粉底液", "demo"),
        ("抽奖互动", "interaction"),
        ("聊聊我的护肤日常", None),
        ("福利时间", "conversion"),
        ("收尾并引导入群", "closing"),
    ]


def test_files_from_before_named_segments_import_as_the_migration_stored_them(persona, tmp_path):
    result, script = imported(tmp_path, [{"name": "warmup", "minutes": 5}])
    assert result.ok and named(script) == [("暖场", "warmup")]


def test_an_unknown_type_or_a_missing_name_is_a_row_error(persona, tmp_path):
    result, _script = imported(
        tmp_path, [{"name": "开场", "type": "大促", "minutes": 5}, {"minutes": 5}]
    )
    assert [(e.row, e.field) for e in result.errors] == [
        (1, "segments.0.type"),
        (1, "segments.1.name"),
    ]
    assert "opening" in result.errors[0].message and "开场" in result.errors[0].message


def test_migration_moves_the_old_code_to_type_in_rows_and_revisions(persona):
    script = LivestreamScriptFactory(persona=persona, publish=False)
    old = [{"type": "segment", "value": {"name": "demo", "minutes": 10, "cue": "", "lines": [],
                                         "product": ""}, "id": "a"}]  # fmt: skip
    LivestreamScript.objects.filter(pk=script.pk).update(segments=old)
    revision = script.get_latest_revision()
    revision.content["segments"] = old
    revision.save(update_fields=["content"])

    migration = importlib.import_module("content.migrations.0008_desk_import_named_segments")
    migration.forwards(apps, None)
    script = LivestreamScript.objects.get(pk=script.pk)
    assert named(script) == [("产品演示", "demo")]
    latest = script.get_latest_revision_as_object()
    assert named(latest) == [("产品演示", "demo")]


def test_editor_collapses_segments_and_shows_the_total(copywriter_client, persona):
    from .factories import segment
    from .test_admin import url

    script = LivestreamScriptFactory(
        persona=persona, segments=[segment("opening", 5), segment("产品讲解：气垫", 15)]
    )
    page = copywriter_client.get(url(LivestreamScript, "edit", script.pk)).content.decode()
    assert "data-run-of-show-total" in page and "run_of_show.js" in page
    assert "&quot;collapsed&quot;: true" in page or '"collapsed": true' in page
    assert "labelFormat" in page
