"""The message types (content/messages): one definition each, read through the registry.

Pure tests (no database) for text, link, mini-program and delay; images and documents live in
the library, so their round trip needs the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from pydantic import TypeAdapter
from wagtail.documents import get_document_model

from content import formats
from content import messages as msgs
from content.blocks import message_blocks
from content.models import MomentScript, Script
from tests.personas.factories import ImageFactory

TEMPLATES = Path(__file__).parents[2] / "content" / "templates" / "content" / "preview"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class NoMedia:
    """Lookups for rows that name no library image or document."""

    def image(self, ref):
        if ref is None:
            return None
        raise ValueError(f"image “{ref.get('title') or ref.get('file')}” is not in the library")

    def document(self, ref):
        raise ValueError("no documents here")


def stream(raw_blocks):
    return Script._meta.get_field("messages").stream_block.to_python(raw_blocks)


def round_trip(rows, media=None):
    """export shape → import (blocks) → stored stream → export shape."""
    blocks, problems = msgs.from_rows(rows, media or NoMedia())
    assert problems == []
    return msgs.to_export(stream(blocks))


PURE_ROWS = [
    {"type": "text", "text": "宝子们 {{nickname}}"},
    {
        "type": "link",
        "title": "新品 {{nickname}}",
        "description": "限时",
        "url": "https://example.com/a",
        "image": None,
    },
    {
        "type": "miniprogram",
        "title": "领券",
        "appid": "wx0123456789abcdef",
        "path": "pages/index",
        "image": None,
    },
    {"type": "delay", "seconds": 30},
]


# The registry ------------------------------------------------------------------------------------
def test_the_editor_offers_one_block_per_registered_type_in_registration_order():
    assert [name for name, _block in message_blocks()] == list(msgs.REGISTRY)
    assert list(msgs.REGISTRY) == [
        "text", "image", "link", "miniprogram", "video", "file", "delay",
    ]  # fmt: skip


def test_the_api_union_documents_every_type_with_its_discriminator():
    schema = TypeAdapter(msgs.Message).json_schema(mode="serialization")
    assert set(schema["discriminator"]["mapping"]) == set(msgs.REGISTRY)


def test_every_message_that_is_shown_has_a_branch_in_the_preview_partial():
    partial = (TEMPLATES / "_message.html").read_text(encoding="utf-8")
    for name, kind in msgs.REGISTRY.items():
        if kind.is_message:
            assert f'm.type == "{name}"' in partial, name


# Validation errors -------------------------------------------------------------------------------
def errors(rows):
    return msgs.from_rows(rows, NoMedia())[1]


def test_messages_must_be_a_list_of_objects_with_a_type():
    assert errors("hello") == [("messages", "must be a list of messages")]
    assert errors([["text"], {"text": "hi"}]) == [
        ("messages.0", "each message is an object with a “type”"),
        ("messages.1", "each message is an object with a “type”"),
    ]


def test_an_unknown_type_names_every_registered_one():
    [(where, message)] = errors([{"type": "tweet"}])
    assert where == "messages.0"
    assert "tweet" in message
    assert all(name in message for name in msgs.REGISTRY)


def test_field_errors_name_the_field_and_the_text_is_the_message_itself():
    problems = errors(
        [
            {"type": "text"},
            {"type": "text", "text": 5},
            {"type": "delay", "seconds": "5"},
            {"type": "delay", "seconds": True},
            {"type": "link", "url": "https://example.com"},
            {"type": "link", "title": "t", "url": "https://example.com", "image": 5},
        ]
    )
    assert problems == [
        ("messages.0", "“text” is required"),
        ("messages.1", "“text” must be a text"),
        ("messages.2.seconds", "“seconds” must be a whole number"),
        ("messages.3.seconds", "“seconds” must be a whole number"),
        ("messages.4.title", "“title” is required"),
        ("messages.5.image", 'an image is named by {"file": ...} or {"title": ...}'),
    ]


def test_a_missing_library_image_is_reported_at_its_message():
    [(where, message)] = errors([{"type": "image", "title": "没有这张"}])
    assert where == "messages.0" and "没有这张" in message


def test_optional_texts_may_be_null_and_unknown_keys_are_ignored():
    rows = [{"type": "link", "title": "t", "description": None, "url": "https://e.com", "width": 3}]
    blocks, problems = msgs.from_rows(rows, NoMedia())
    assert problems == []
    assert blocks[0]["value"]["description"] == ""


# Round trips -------------------------------------------------------------------------------------
def test_export_import_round_trip_without_media():
    assert round_trip(PURE_ROWS) == PURE_ROWS


def test_api_shapes_validate_against_their_documented_models_in_field_order():
    messages = msgs.to_api(stream(msgs.from_rows(PURE_ROWS, NoMedia())[0]), {"nickname": "小鹿"})
    adapter = TypeAdapter(msgs.Message)
    for message in messages:
        model = adapter.validate_python(message)
        assert list(message) == list(type(model).model_fields), message["type"]
    assert messages[0] == {"type": "text", "text": "宝子们 小鹿"}
    assert messages[1]["title"] == "新品 小鹿"  # texts are rendered with the values


def test_texts_for_lint_and_search_come_from_each_types_text_fields():
    texts = list(msgs.iter_texts(stream(msgs.from_rows(PURE_ROWS, NoMedia())[0])))
    assert texts == [
        ("messages.0", "宝子们 {{nickname}}"),
        ("messages.1.title", "新品 {{nickname}}"),
        ("messages.1.description", "限时"),
        ("messages.2.title", "领券"),
    ]


def test_wecom_and_plain_text_formats_dispatch_on_the_type():
    api = msgs.to_api(stream(msgs.from_rows(PURE_ROWS, NoMedia())[0]))
    wecom = formats.to_wecom(api[2:] + api[:1])
    assert [p["msgtype"] for p in wecom] == ["miniprogram", "text"]
    assert wecom[1]["delay_seconds"] == 30
    assert [formats.describe(m) for m in api] == [
        "宝子们 {{nickname}}",
        "[链接：新品 {{nickname}} https://example.com/a]",
        "[小程序：领券]",
        "",
    ]


@pytest.mark.django_db
def test_round_trip_with_library_images_and_documents():
    from content.import_lookups import Lookups

    image = ImageFactory(title="封面")
    Document = get_document_model()
    document = Document(title="说明书")
    document.file.save("manual.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    rows = [
        {"type": "image", "file": image.file.name, "title": "封面", "alt": "海报"},
        {
            "type": "link",
            "title": "t",
            "description": "",
            "url": "https://example.com",
            "image": {"file": image.file.name, "title": "封面"},
        },
        {"type": "video", "file": document.file.name, "title": "开箱"},
        {"type": "file", "file": document.file.name, "title": ""},
    ]
    assert round_trip(rows, Lookups()) == rows

    messages = msgs.to_api(stream(msgs.from_rows(rows, Lookups())[0]))
    adapter = TypeAdapter(msgs.Message)
    for message in messages:
        assert list(message) == list(type(adapter.validate_python(message)).model_fields)
    assert messages[3]["title"] == "说明书"  # a file without its own title shows the document's


def test_moments_rules_come_from_each_types_slot():
    script = MomentScript(
        messages=stream(
            [
                {"type": "text", "value": "a"},
                {"type": "text", "value": "b"},
                {"type": "delay", "value": {"seconds": 1}},
            ]
        )
    )
    assert [message for _field, message in script.clean_kind()] == [
        "A moments post has exactly one text.",
        "Delays and files cannot be posted to moments.",
    ]
