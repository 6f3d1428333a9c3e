"""Hostile or mis-saved import files: a clear error and exit code 1, never a traceback or
mojibake (content/import_files.py, content/text_encoding.py)."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from content.import_run import import_file
from content.models import Script
from tests.personas.factories import PersonaFactory

pytestmark = pytest.mark.django_db

HEADER = ["external_id", "kind", "persona", "title", "stage", "tags", "text"]


@pytest.fixture
def persona():
    return PersonaFactory(slug="xiaomei")


def csv_bytes(title: str, text: str, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerow(["c-1", "moment", "xiaomei", title, "activate", "", text])
    return buffer.getvalue().encode(encoding)


def run_command(path) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_content", str(path), stderr=err, stdout=io.StringIO())
    assert error.value.returncode == 1
    return err.getvalue()


@pytest.mark.parametrize(
    ("title", "text", "encoding", "named"),
    [
        ("會員日預告", "寶子們會員日來啦，福利多多", "big5", "Big5"),
        ("会員日のお知らせ", "皆さんこんにちは、セール開始です", "shift_jis", "Shift-JIS"),
    ],
)
def test_big5_and_shift_jis_csv_are_refused_naming_the_encoding(
    persona, tmp_path, title, text, encoding, named
):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(title, text, encoding))
    output = run_command(path)
    assert named in output and "UTF-8" in output
    assert not Script.objects.exists()


def test_utf8_with_a_bom_and_gbk_are_read(persona, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(csv_bytes("会员日预告", "宝子们会员日来啦", "utf-8-sig"))
    result = import_file(path)
    assert result.ok and not result.notes
    assert Script.objects.get(external_id="c-1").title == "会员日预告"


def test_a_utf16_file_is_refused(persona, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes("会员日预告", "宝子们", "utf-16"))
    assert "UTF-16" in run_command(path)


def test_deeply_nested_json_is_a_row_error(persona, tmp_path):
    good = {
        "external_id": "m-1",
        "kind": "moment",
        "persona": "xiaomei",
        "title": "标题",
        "stage": "attract",
        "text": "宝子们",
    }
    lines = [
        json.dumps(good, ensure_ascii=False),
        '{"external_id": "m-2", "messages": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"external_id": "m-3", "variables": ' + "[" * 50 + "]" * 50 + "}",
        '{"external_id": "m-4", "title": ' + "9" * 5000 + "}",
    ]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = import_file(path)
    assert [(e.row, e.field) for e in result.errors] == [(2, ""), (3, ""), (4, "")]
    assert "20" in result.errors[0].message
    assert not Script.objects.exists()

    # The same in a JSON column of a CSV.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["external_id", "kind", "persona", "title", "messages"])
    writer.writerow(["c-1", "moment", "xiaomei", "标题", "[" * 100_000 + "]" * 100_000])
    path = tmp_path / "a.csv"
    path.write_text(buffer.getvalue(), "utf-8")
    assert (2, "messages") in [(e.row, e.field) for e in import_file(path).errors]


def test_an_xlsx_that_inflates_past_the_limit_is_refused(persona, tmp_path):
    """151 KB that unpack to 150 MB took the process to 436 MB before anything was checked."""
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["x-1", "moment", "xiaomei", "标题", "attract", "", "宝子们"])
    small = tmp_path / "small.xlsx"
    workbook.save(small)
    bomb = tmp_path / "bomb.xlsx"
    cell = '<c t="inlineStr"><is><t>' + "会" * 1000 + "</t></is></c>"
    rows = "".join(f'<row r="{n}">{cell}</row>' for n in range(3, 35_003)).encode()  # ~105 MB
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", rows + b"</sheetData>")
            out.writestr(item.filename, data)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    output = run_command(bomb)
    assert "MB" in output and "CSV UTF-8" in output
    assert not Script.objects.exists()


def test_an_xlsx_with_too_many_rows_or_columns_is_refused(persona, tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["x-1", "moment", "xiaomei", "标题", "attract", "", "宝子们"])
    workbook.active.cell(row=250_000, column=1, value="x-2")
    path = tmp_path / "rows.xlsx"
    workbook.save(path)
    assert "200000" in run_command(path)

    workbook = Workbook()
    workbook.active.append([*HEADER, *(f"extra{n}" for n in range(100))])
    path = tmp_path / "columns.xlsx"
    workbook.save(path)
    assert "64" in run_command(path)
    assert not Script.objects.exists()


def test_a_file_that_is_not_a_zip_is_refused_as_xlsx(persona, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"external_id,kind\n")
    said = run_command(path)
    assert "XLSX" in said and "重新另存为 XLSX" in said
    assert "zip" not in said  # the library's reason, English and meaningless to a copywriter


def test_broken_json_in_a_cell_says_where_without_pythons_english(persona, tmp_path):
    workbook = Workbook()
    workbook.active.append([*HEADER[:6], "segments"])
    workbook.active.append(["l-1", "livestream", "xiaomei", "周五直播", "convert", "",
                            '[{"name": "暖场", "lines": ["宝子们晚上好"]'])  # fmt: skip
    path = tmp_path / "live.xlsx"
    workbook.save(path)
    error = import_file(path).errors[0]
    assert error.field == "segments" and "第 1 行第 36 列附近" in error.message
    assert "Expecting" not in error.message and "delimiter" not in error.message
