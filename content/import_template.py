"""The import template (话术库 → 导入 → 下载模板): an XLSX with every column and one example row
per kind, which imports as it is once the example persona exists (a test keeps it so)."""

from __future__ import annotations

import io
import json

from django.utils.translation import gettext as _

from .exporting import COMMON_KEYS, KIND_KEYS
from .import_files import JSON_COLUMNS, LIST_COLUMNS
from .models import Script

# The spreadsheet spelling: a plain `text` column instead of the JSON `messages` (which still
# works, for several messages), then each kind's own columns.
COLUMNS = [
    *(key for key in COMMON_KEYS if key != "messages"),
    "text",
    "messages",
    *(key for keys in KIND_KEYS.values() for key in keys),
]


def _examples(persona: str) -> list[dict]:
    segments = [
        {"name": "warmup", "minutes": 5, "cue": "挥手打招呼", "lines": ["宝子们晚上好"]},
        {"name": "demo", "minutes": 15, "lines": ["看这个质地"], "product": "修护精华"},
    ]
    common = {"persona": persona, "audiences": "", "hot_topic": ""}
    return [
        {
            **common, "external_id": "example-moment-1", "kind": "moment", "title": "新品上市预告",
            "stage": "attract", "tags": "新品，修护精华", "text": "宝子们，修护精华明天上新啦～",
            "first_comment": "评论区见",
        },
        {
            **common, "external_id": "example-group-1", "kind": "group", "title": "进群欢迎",
            "stage": "retain", "tags": "欢迎", "text": "欢迎来到福利群～",
            "group_types": "newcomer", "purpose": "welcome", "trigger": "on_join",
        },
        {
            **common, "external_id": "example-livestream-1", "kind": "livestream",
            "title": "周五直播", "stage": "convert", "tags": "直播",
            "segments": json.dumps(segments, ensure_ascii=False),
        },
        {
            **common, "external_id": "example-chat-1", "kind": "chat", "title": "问价格",
            "stage": "convert", "tags": "价格", "text": "宝子，今天下单有新人礼哦～",
            "triggers": "多少钱，价格",
        },
    ]  # fmt: skip


def _note(column: str) -> str:
    if column in JSON_COLUMNS:
        return _("JSON, as export writes it")
    if column in LIST_COLUMNS:
        return _("several values separated by commas")
    return ""


def build() -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    persona = (
        Script.persona.field.related_model.objects.order_by("pk").values_list("slug", flat=True)
    ).first() or "your-persona-slug"
    book = Workbook()
    sheet = book.active
    sheet.title = "scripts"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        if note := _note(cell.value):
            cell.comment = Comment(note, "import")
    for example in _examples(persona):
        sheet.append([example.get(column, "") for column in COLUMNS])
    for column_cells in sheet.columns:
        sheet.column_dimensions[column_cells[0].column_letter].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
