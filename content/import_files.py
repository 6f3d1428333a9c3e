"""Reading import files: JSONL, CSV and XLSX rows in the JSONL shape, with the limits that keep a
hostile or mis-saved file from becoming a traceback, mojibake or an out-of-memory process."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .text_encoding import decode_text

REQUIRED_COLUMNS = ("external_id", "kind", "persona", "title")
JSON_COLUMNS = {"variables", "messages", "segments", "warmup_messages"}
LIST_COLUMNS = {"audiences", "tags", "group_types", "triggers"}
MAX_FILE_BYTES = 200 * 1024 * 1024
# An XLSX is a zip: a 151 KB file whose shared strings unpacked to 150 MB took the process to
# 436 MB. The sizes in the zip directory bound what zipfile will ever inflate (it stops there
# and fails the CRC check), so they are checked before openpyxl reads anything.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_XLSX_RATIO = 100  # real sheets compress 5–30×; a zip bomb 1000×
MAX_XLSX_ROWS = 200_000
MAX_XLSX_COLUMNS = 64
# The row shape needs four levels (row → messages → message → image); JSON nested deeper is
# not a script, and Python's parser and repr() recurse on it.
MAX_JSON_DEPTH = 20


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row} if self.row else _("file")
        return (
            f"{where} · {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, missing columns, limits)."""


def _depth(value: Any) -> int:
    """How deeply `value` nests lists and objects (iteratively: no recursion on hostile input)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                stack.extend((child, level + 1) for child in item)
    return deepest


def parse_json(text: str) -> Any:
    """json.loads that turns every way a text can fail into a ValueError with a message."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(
            _("Not valid JSON: nested more than %(n)d levels deep.") % {"n": MAX_JSON_DEPTH}
        ) from None
    except json.JSONDecodeError as error:  # where, not Python's English reason
        raise ValueError(
            _("Not valid JSON near line %(line)d, column %(column)d: check the quotes and commas.")
            % {"line": error.lineno, "column": error.colno}
        ) from None
    except ValueError as error:  # integers over 4,300 digits
        raise ValueError(_("Not valid JSON: %(e)s") % {"e": error}) from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise ValueError(
            _("Not valid JSON: nested more than %(n)d levels deep.") % {"n": MAX_JSON_DEPTH}
        )
    return value


def _split_list(value: str) -> list[str]:
    for separator in ("\n", "，", "、", ";", "；"):
        value = value.replace(separator, ",")
    return [item.strip() for item in value.split(",") if item.strip()]


def _flat_row(row: dict[str, Any], number: int, errors: list[RowError]) -> dict[str, Any]:
    """A spreadsheet row (all strings) in the JSONL shape."""
    data: dict[str, Any] = {}
    for key, value in row.items():
        if key is None:
            errors.append(RowError(number, "", _("More cells than there are column headers.")))
            continue
        key = key.strip()
        if isinstance(value, datetime):
            value = value.isoformat()
        value = "" if value is None else str(value)
        if key in JSON_COLUMNS:
            if value.strip():
                try:
                    data[key] = parse_json(value)
                except ValueError as error:
                    errors.append(RowError(number, key, str(error)))
        elif key in LIST_COLUMNS:
            data[key] = _split_list(value)
        else:
            data[key] = value
    return data


def _check_columns(columns: list[str]) -> None:
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise ImportFileError(
            _("Missing column(s): %(missing)s. Required: %(required)s.")
            % {"missing": ", ".join(missing), "required": ", ".join(REQUIRED_COLUMNS)}
        )


def _jsonl_rows(path: Path, notes: list[str], errors: list[RowError]) -> Iterator[tuple[int, dict]]:
    text = decode_text(path.read_bytes(), notes)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = parse_json(line)
        except ValueError as error:
            errors.append(RowError(number, "", str(error)))
            continue
        if not isinstance(data, dict):
            errors.append(RowError(number, "", _("Each line must be a JSON object.")))
            continue
        yield number, data


def _csv_rows(path: Path, notes: list[str], errors: list[RowError]) -> Iterator[tuple[int, dict]]:
    text = decode_text(path.read_bytes(), notes)
    csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        _check_columns([c.strip() for c in reader.fieldnames or []])
        for number, row in enumerate(reader, start=2):
            if any((value or "").strip() for value in row.values() if isinstance(value, str)):
                yield number, _flat_row(row, number, errors)
    except csv.Error as error:
        raise ImportFileError(_("The CSV file cannot be parsed: %(e)s") % {"e": error}) from error


def unreadable_xlsx() -> ImportFileError:
    """What a person can do about a file that is not a spreadsheet (the library's own reason,
    "File is not a zip file", says nothing to them and is English)."""
    return ImportFileError(
        _(
            "This file cannot be opened as an XLSX spreadsheet: it is damaged, or another kind "
            "of file renamed to .xlsx. Open it in Excel or WPS and save it again as XLSX (or as "
            "CSV UTF-8), then upload it again."
        )
    )


def check_xlsx_size(path: Path) -> None:
    """Refuse an XLSX whose parts would inflate past the limits (before anything is inflated)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise unreadable_xlsx() from error
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    megabytes = MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)
    if unpacked > MAX_XLSX_UNPACKED_BYTES or unpacked > MAX_XLSX_RATIO * max(packed, 100 * 1024):
        raise ImportFileError(
            _(
                "The XLSX file unpacks to %(size)d MB (at most %(limit)d MB, and at most "
                "%(ratio)d times its packed size): it is too large or not a real spreadsheet. "
                "Split it into several files, or save it as CSV UTF-8."
            )
            % {"size": unpacked // (1024 * 1024), "limit": megabytes, "ratio": MAX_XLSX_RATIO}
        )


def _xlsx_rows(path: Path, notes: list[str], errors: list[RowError]) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    check_xlsx_size(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds
        raise unreadable_xlsx() from error
    try:
        sheet = workbook.worksheets[0]
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        header = [str(cell).strip() if cell is not None else "" for cell in first]
        while header and not header[-1]:
            header.pop()
        if len(header) > MAX_XLSX_COLUMNS:
            raise ImportFileError(
                _("The sheet has %(n)d columns; at most %(limit)d are allowed.")
                % {"n": len(header), "limit": MAX_XLSX_COLUMNS}
            )
        _check_columns(header)
        # max_col bounds what openpyxl pads each row to: the sheet's declared dimension, which
        # a hostile file sets to 16,384 columns. (Empty rows up to a declared million are cheap.)
        rows = sheet.iter_rows(min_row=2, max_col=len(header), values_only=True)
        for number, cells in enumerate(rows, start=2):
            if all(cell is None or str(cell).strip() == "" for cell in cells):
                continue
            if number > MAX_XLSX_ROWS:
                raise ImportFileError(
                    _("The sheet has more than %(limit)d rows; split it into several files.")
                    % {"limit": MAX_XLSX_ROWS}
                )
            yield number, _flat_row(dict(zip(header, cells, strict=False)), number, errors)
    finally:
        workbook.close()


def read_rows(path: Path, notes: list[str], errors: list[RowError]) -> Iterator[tuple[int, dict]]:
    """(row number, row in the JSONL shape) for every non-empty row of the file."""
    suffix = path.suffix.lower()
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 200 MB."))
    readers = {".jsonl": _jsonl_rows, ".csv": _csv_rows, ".xlsx": _xlsx_rows}
    if suffix not in readers:
        raise ImportFileError(
            _("Unsupported file type “%(suffix)s”: use .jsonl, .csv or .xlsx.") % {"suffix": suffix}
        )
    yield from readers[suffix](path, notes, errors)
