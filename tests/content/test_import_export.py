import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from content.exporting import export_file
from content.import_run import import_file
from content.models import Script
from tests.personas.factories import ImageFactory, PersonaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas():
    return PersonaFactory(slug="xiaomei", banned_words=["药妆"]), PersonaFactory(slug="dr-lin")


def row(**overrides):
    base = {
        "external_id": "m-1",
        "kind": "moment",
        "persona": "xiaomei",
        "title": "新品修护精华",
        "stage": "attract",
        "audiences": ["new"],
        "tags": ["新品"],
        "hot_topic": None,
        "valid_from": None,
        "valid_until": None,
        "variables": [{"name": "nickname", "required": True, "default": "", "description": ""}],
        "messages": [{"type": "text", "text": "宝子们，{{nickname}} 新品到啦"}],
        "first_comment": "",
    }
    base.update(overrides)
    return base


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


def test_import_creates_drafts_unless_published(personas, tmp_path):
    result = import_file(write_jsonl(tmp_path / "a.jsonl", [row()]))
    assert result.ok and result.created == 1
    script = Script.objects.get(external_id="m-1")
    assert script.live is False
    assert [t.name for t in script.tags.all()] == ["新品"]
    assert [a.slug for a in script.audiences.all()] == ["new"]

    result = import_file(tmp_path / "a.jsonl", publish=True)
    assert result.unchanged == 1 and result.published == 1
    assert Script.objects.get(external_id="m-1").live is True


def test_reimport_without_publish_makes_a_draft_and_keeps_the_live_version(personas, tmp_path):
    import_file(write_jsonl(tmp_path / "a.jsonl", [row()]), publish=True)
    result = import_file(write_jsonl(tmp_path / "b.jsonl", [row(title="改过的标题")]))
    assert result.updated == 1
    assert not result.notes  # nothing changed while it waited: validated once
    script = Script.objects.get(external_id="m-1")
    assert script.live and script.title == "新品修护精华"
    assert script.get_latest_revision_as_object().title == "改过的标题"
    assert Script.objects.count() == 1


def test_one_bad_row_means_nothing_is_written_and_every_error_is_listed(personas, tmp_path):
    rows = [
        row(external_id="ok-1"),
        row(external_id="bad-1", stage="viral"),
        row(external_id="bad-2", kind="tweet"),
        row(external_id="bad-3", persona="nobody"),
        row(external_id="ok-2"),
    ]
    result = import_file(write_jsonl(tmp_path / "a.jsonl", rows))
    assert not result.ok
    assert {(e.row, e.field) for e in result.errors} == {
        (2, "stage"),
        (3, "kind"),
        (4, "persona"),
    }
    assert not Script.objects.exists()


def test_ten_images_and_negative_minutes_are_row_errors(personas, tmp_path):
    image = ImageFactory(title="图")
    images = [{"type": "image", "title": "图", "alt": ""}] * 10
    live = row(
        external_id="l-1",
        kind="livestream",
        first_comment=None,
        segments=[{"name": "demo", "minutes": -5, "cue": "", "lines": [], "product": ""}],
    )
    del live["first_comment"]
    result = import_file(
        write_jsonl(
            tmp_path / "a.jsonl",
            [row(messages=[{"type": "text", "text": "宝子们"}, *images], variables=[]), live],
        )
    )
    assert image.pk
    messages = {(e.row, e.field): e.message for e in result.errors}
    assert "9" in messages[(1, "messages")]
    assert (2, "segments.0.minutes") in messages


def test_publish_refuses_rows_with_lint_errors(personas, tmp_path):
    bad = row(messages=[{"type": "text", "text": "宝子们 {{nickname}} 这款药妆"}])
    result = import_file(write_jsonl(tmp_path / "a.jsonl", [bad]), publish=True)
    assert [e.message for e in result.errors if "药妆" in e.message]
    assert not Script.objects.exists()
    assert import_file(tmp_path / "a.jsonl").ok  # as a draft it is fine


def test_dry_run_writes_nothing(personas, tmp_path):
    result = import_file(write_jsonl(tmp_path / "a.jsonl", [row()]), dry_run=True)
    assert result.ok and result.created == 1
    assert not Script.objects.exists()


def test_gbk_csv_is_detected_and_read(personas, tmp_path):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["external_id", "kind", "persona", "title", "stage", "tags", "text"])
    writer.writerow(
        ["c-1", "moment", "xiaomei", "会员日预告", "activate", "会员日，福利", "宝子们会员日来啦"]
    )
    path = tmp_path / "gbk.csv"
    path.write_bytes(buffer.getvalue().encode("gbk"))
    result = import_file(path)
    assert result.ok, result.errors
    assert any("GB" in note for note in result.notes)
    script = Script.objects.get(external_id="c-1")
    assert script.title == "会员日预告"
    assert sorted(t.name for t in script.tags.all()) == ["会员日", "福利"]


def test_xlsx_with_a_missing_column_names_it(personas, tmp_path):
    workbook = Workbook()
    workbook.active.append(["external_id", "kind", "title"])
    workbook.active.append(["x-1", "moment", "标题"])
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    result = import_file(path)
    assert len(result.errors) == 1 and "persona" in result.errors[0].message


def test_xlsx_rows_import(personas, tmp_path):
    workbook = Workbook()
    workbook.active.append(["external_id", "kind", "persona", "title", "stage", "triggers", "text"])
    workbook.active.append(
        ["x-1", "chat", "dr-lin", "价格异议", "convert", "太贵了，贵", "同学们别急"]
    )
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    assert import_file(path).ok
    assert Script.objects.get(external_id="x-1").triggers == ["太贵了", "贵"]


def test_a_10_mb_text_field_is_a_row_error_not_a_crash(personas, tmp_path):
    huge = row(messages=[{"type": "text", "text": "宝" * 10_000_000}], variables=[])
    result = import_file(write_jsonl(tmp_path / "a.jsonl", [huge]))
    assert [(e.row, e.field) for e in result.errors] == [(1, "messages.0")]


def test_duplicate_external_ids_and_unknown_fields_are_errors(personas, tmp_path):
    rows = [row(), row(), row(external_id="m-2", titel="typo")]
    result = import_file(write_jsonl(tmp_path / "a.jsonl", rows))
    fields = {(e.row, e.field) for e in result.errors}
    assert (2, "external_id") in fields and (3, "") in fields


def test_unsupported_file_type_and_missing_file(tmp_path):
    (tmp_path / "a.txt").write_text("hi")
    assert "jsonl" in import_file(tmp_path / "a.txt").errors[0].message
    assert not import_file(tmp_path / "missing.jsonl").ok


def test_command_exits_1_with_row_numbers(personas, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [row(stage="viral")])
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_content", str(path), stderr=err)
    assert error.value.returncode == 1
    assert "1" in err.getvalue() and "stage" in err.getvalue()


def test_export_import_export_round_trips(personas, tmp_path):
    image = ImageFactory(title="封面")
    rows = [
        row(
            messages=[
                {"type": "text", "text": "宝子们 {{nickname}}"},
                {"type": "image", "file": image.file.name, "title": "封面", "alt": "封面图"},
                {
                    "type": "miniprogram",
                    "title": "领券",
                    "appid": "wx1234567890abcdef",
                    "path": "pages/coupon",
                    "image": None,
                },
            ],
            valid_from="2027-06-01T00:00:00+08:00",
            valid_until="2027-06-18T23:59:59+08:00",
            first_comment="评论区有券",
        ),
        {
            **row(external_id="g-1", kind="group", persona="dr-lin", variables=[]),
            "messages": [{"type": "text", "text": "欢迎"}, {"type": "delay", "seconds": 5}],
            "group_types": ["newcomer", "checkin"],
            "purpose": "welcome",
            "trigger": "on_join",
        },
        {
            **row(external_id="l-1", kind="livestream", variables=[], messages=[]),
            "segments": [
                {"name": "warmup", "minutes": 5, "cue": "挥手", "lines": ["晚上好"], "product": ""}
            ],
        },
        {
            **row(external_id="c-1", kind="chat", variables=[]),
            "messages": [{"type": "text", "text": "在的宝子们"}],
            "triggers": ["在吗", "价格"],
        },
    ]
    for r in rows[1:]:
        r.pop("first_comment", None)
    assert import_file(write_jsonl(tmp_path / "in.jsonl", rows), publish=True).ok
    export_file(tmp_path / "first.jsonl")
    Script.objects.all().delete()
    assert import_file(tmp_path / "first.jsonl").ok
    export_file(tmp_path / "second.jsonl")
    first = (tmp_path / "first.jsonl").read_text("utf-8")
    assert first == (tmp_path / "second.jsonl").read_text("utf-8")
    assert len(first.splitlines()) == 4


MIXED_HEADER = [
    "external_id", "kind", "persona", "title", "stage", "text", "first_comment",
    "group_types", "purpose", "trigger", "segments", "triggers",
]  # fmt: skip


def mixed_sheet(path, *extra_rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(MIXED_HEADER)
    segments = json.dumps([{"name": "warmup", "minutes": 5, "lines": ["晚上好"]}])
    sheet.append(["m-1", "moment", "xiaomei", "新品预告", "attract", "新品到啦", "评论区见"])
    sheet.append(
        ["g-1", "group", "dr-lin", "入群欢迎", "retain", "欢迎", "", "newcomer", "welcome",
         "on_join"]
    )  # fmt: skip
    sheet.append(
        ["l-1", "livestream", "dr-lin", "周五直播", "convert", "", "", "", "", "", segments]
    )
    sheet.append(["c-1", "chat", "dr-lin", "价格", "convert", "别急", "", "", "", "", "", "太贵了"])
    for extra in extra_rows:
        sheet.append(extra)
    workbook.save(path)
    return path


def test_a_sheet_may_mix_kinds_with_empty_cells_of_other_kinds(personas, tmp_path):
    result = import_file(mixed_sheet(tmp_path / "mixed.xlsx"))
    assert result.ok, [str(e) for e in result.errors]
    assert sorted(Script.objects.values_list("kind", flat=True)) == [
        "chat", "group", "livestream", "moment"
    ]  # fmt: skip


def test_a_filled_cell_of_another_kind_is_an_error_naming_row_and_column(personas, tmp_path):
    bad = ["c-2", "chat", "dr-lin", "在吗", "convert", "在的", "评论区见"]
    result = import_file(mixed_sheet(tmp_path / "mixed.xlsx", bad))
    assert [(e.row, e.field) for e in result.errors] == [(6, "first_comment")]
    assert not Script.objects.exists()


def test_a_sheet_may_say_stage_and_kind_as_the_editor_shows_them(personas, tmp_path):
    """A copywriter fills the template with 引流 and 朋友圈文案, the words of every other screen."""
    workbook = Workbook()
    workbook.active.append(["external_id", "kind", "persona", "title", "stage", "triggers", "text"])
    workbook.active.append(["x-1", "朋友圈文案", "xiaomei", "上新预告", "引流", "", "宝子们上新啦"])
    workbook.active.append(["x-2", "私聊回复", "dr-lin", "价格异议", "转化", "太贵", "同学们别急"])
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    assert import_file(path).ok
    assert {(s.external_id, s.kind, s.stage) for s in Script.objects.all()} == {
        ("x-1", "moment", "attract"),
        ("x-2", "chat", "convert"),
    }


def test_a_wrong_stage_lists_each_code_with_its_chinese_label(personas, tmp_path):
    result = import_file(write_jsonl(tmp_path / "a.jsonl", [row(stage="拉新")]))
    [error] = result.errors
    assert error.field == "stage" and "attract（引流）" in error.message
    assert "refer（裂变）" in error.message
    assert not Script.objects.exists()
    [empty] = import_file(write_jsonl(tmp_path / "b.jsonl", [row(stage="")])).errors
    assert (empty.field, empty.message) == ("stage", "必填")  # not "“” is not one of …"
