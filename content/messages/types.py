"""The message types, one definition each, in the order the editor offers them.

Each names its block (content/blocks.py), its API shape ``Out`` and import/export shape ``Row``,
and converts a stored block value to and from them. Limits (lengths, ranges, the AppID pattern)
are the block's: the import runs the same block validation as the editor after these shapes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import BeforeValidator, Strict

from core.blocks import ImageBlock
from core.images import image_dict
from personas.schemas import Image

from .. import blocks
from .base import Blank, MessageType, Render, Shape, image_ref, register


def _image_ref(value: Any) -> Any:
    if isinstance(value, str):
        return {"title": value}
    if value is not None and not isinstance(value, dict):
        raise ValueError(gettext('an image is named by {"file": ...} or {"title": ...}'))
    return value


class ImageRef(Shape):
    """An image of the library, by stored file name or (else) by title."""

    file: Blank = ""
    title: Blank = ""


# In a row, an image is {"file": ...}, {"title": ...}, a bare title, or nothing.
ImageRefOrTitle = Annotated[ImageRef | None, BeforeValidator(_image_ref)]


@register
class Text(MessageType):
    type = "text"
    texts = ("text",)
    value_field = "text"  # the block value is the text itself
    moment_slot = "text"

    class TextMessage(Shape):
        type: Literal["text"]
        text: str

    Out = Row = TextMessage

    @classmethod
    def block(cls):
        return blocks.TextMessageBlock()

    @classmethod
    def to_api(cls, value, render: Render) -> dict[str, Any]:
        return {"type": "text", "text": render.text(value)}

    @classmethod
    def to_export(cls, value) -> dict[str, Any]:
        return {"type": "text", "text": value}

    @classmethod
    def to_block(cls, row, media) -> Any:
        return row.text

    @classmethod
    def to_wecom(cls, message):
        return {"msgtype": "text", "text": {"content": message["text"]}}

    @classmethod
    def describe(cls, message) -> str:
        return message["text"]


@register
class Picture(MessageType):
    type = "image"
    moment_slot = "images"

    class ImageMessage(Shape):
        type: Literal["image"]
        url: str
        width: int
        height: int
        alt: str

    class ImageRow(Shape):
        type: Literal["image"]
        file: Blank = ""  # the library image, by stored file name or (else) by title
        title: Blank = ""
        alt: Blank = ""  # empty: the image's title

    Out, Row = ImageMessage, ImageRow

    @classmethod
    def block(cls):
        return ImageBlock(label=_("Image"))

    @classmethod
    def to_api(cls, value, render: Render) -> dict[str, Any] | None:
        alt = getattr(value, "contextual_alt_text", "") or ""
        image = image_dict(value, alt, render.absolute)
        return None if image is None else {"type": "image", **image}  # None: deleted

    @classmethod
    def to_export(cls, value) -> dict[str, Any]:
        alt = getattr(value, "contextual_alt_text", "") or ""
        return {"type": "image", **image_ref(value), "alt": alt}

    @classmethod
    def to_block(cls, row, media) -> Any:
        image = media.image({k: v for k, v in (("file", row.file), ("title", row.title)) if v})
        # WeChat shows no alt text; the image title is a fair description.
        return {"image": image.pk, "alt_text": row.alt or image.title, "decorative": False}

    @classmethod
    def to_wecom(cls, message):
        return {"msgtype": "image", "image": {"pic_url": message.get("url")}}

    @classmethod
    def describe(cls, message) -> str:
        return f"[图片：{message.get('alt') or '图片'}]"


def _card_image(value, render: Render) -> dict | None:
    return image_dict(value.get("image"), absolute=render.absolute)


def _ref_pk(media, ref: ImageRef | None) -> int | None:
    image = media.image(ref.model_dump() if ref else None)
    return image.pk if image else None


@register
class Link(MessageType):
    type = "link"
    texts = ("title", "description")
    moment_slot = "card"

    class LinkMessage(Shape):
        type: Literal["link"]
        title: str
        description: str
        url: str
        image: Image | None

    class LinkRow(Shape):
        type: Literal["link"]
        title: str
        description: Blank = ""
        url: str
        image: ImageRefOrTitle = None

    Out, Row = LinkMessage, LinkRow

    @classmethod
    def block(cls):
        return blocks.LinkCardBlock()

    @classmethod
    def to_api(cls, value, render: Render) -> dict[str, Any]:
        return {
            "type": "link",
            "title": render.text(value["title"]),
            "description": render.text(value.get("description") or ""),
            "url": value["url"],
            "image": _card_image(value, render),
        }

    @classmethod
    def to_export(cls, value) -> dict[str, Any]:
        return {
            "type": "link",
            "title": value["title"],
            "description": value.get("description") or "",
            "url": value["url"],
            "image": image_ref(value.get("image")),
        }

    @classmethod
    def to_block(cls, row, media) -> Any:
        image = _ref_pk(media, row.image)
        return {"title": row.title, "description": row.description, "url": row.url, "image": image}

    @classmethod
    def to_wecom(cls, message):
        picture = (message.get("image") or {}).get("url") or ""
        return {
            "msgtype": "link",
            "link": {
                "title": message["title"],
                "desc": message["description"],
                "url": message["url"],
                "picurl": picture,
            },
        }

    @classmethod
    def describe(cls, message) -> str:
        return f"[链接：{message['title']} {message['url']}]"


@register
class MiniProgram(MessageType):
    type = "miniprogram"
    texts = ("title",)
    moment_slot = "card"

    class MiniProgramMessage(Shape):
        type: Literal["miniprogram"]
        title: str
        appid: str
        path: str
        image: Image | None

    class MiniProgramRow(Shape):
        type: Literal["miniprogram"]
        title: str
        appid: str
        path: str
        image: ImageRefOrTitle = None

    Out, Row = MiniProgramMessage, MiniProgramRow

    @classmethod
    def block(cls):
        return blocks.MiniProgramBlock()

    @classmethod
    def to_api(cls, value, render: Render) -> dict[str, Any]:
        return {
            "type": "miniprogram",
            "title": render.text(value["title"]),
            "appid": value["appid"],
            "path": value["path"],
            "image": _card_image(value, render),
        }

    @classmethod
    def to_export(cls, value) -> dict[str, Any]:
        return {
            "type": "miniprogram",
            "title": value["title"],
            "appid": value["appid"],
            "path": value["path"],
            "image": image_ref(value.get("image")),
        }

    @classmethod
    def to_block(cls, row, media) -> Any:
        image = _ref_pk(media, row.image)
        return {"title": row.title, "appid": row.appid, "path": row.path, "image": image}

    @classmethod
    def to_wecom(cls, message):
        picture = (message.get("image") or {}).get("url") or ""
        return {
            "msgtype": "miniprogram",
            "miniprogram": {
                "title": message["title"],
                "appid": message["appid"],
                "page": message["path"],
                "pic_url": picture,
            },
        }

    @classmethod
    def describe(cls, message) -> str:
        return f"[小程序：{message['title']}]"


class _DocumentMessage(MessageType):
    """A document of the library sent as a message (video, file)."""

    document_key: str  # the block's chooser field
    label: str  # in the plain-text format
    texts = ("title",)

    @classmethod
    def to_api(cls, value, render: Render) -> dict[str, Any]:
        document = value.get(cls.document_key)
        return {
            "type": cls.type,
            "url": render.absolute(document.url) if document else None,
            "title": render.text(value.get("title") or (document.title if document else "")),
        }

    @classmethod
    def to_export(cls, value) -> dict[str, Any]:
        document = value.get(cls.document_key)
        return {
            "type": cls.type,
            "file": document.file.name if document else None,
            "title": value.get("title") or "",
        }

    @classmethod
    def to_block(cls, row, media) -> Any:
        document = media.document({"file": row.file, "title": row.title})
        return {cls.document_key: document.pk, "title": row.title}

    @classmethod
    def to_wecom(cls, message):
        return {"msgtype": cls.type, cls.type: {"url": message["url"], "title": message["title"]}}

    @classmethod
    def describe(cls, message) -> str:
        return f"[{cls.label}：{message['title'] or message['url']}]"


@register
class Video(_DocumentMessage):
    type = "video"
    document_key = "video"
    label = "视频"
    moment_slot = "video"

    class VideoMessage(Shape):
        type: Literal["video"]
        url: str | None
        title: str

    class VideoRow(Shape):
        type: Literal["video"]
        file: Blank = ""  # the library document, by stored file name or (else) by title
        title: Blank = ""

    Out, Row = VideoMessage, VideoRow

    @classmethod
    def block(cls):
        return blocks.VideoBlock()


@register
class File(_DocumentMessage):
    type = "file"
    document_key = "document"
    label = "文件"

    class FileMessage(Shape):
        type: Literal["file"]
        url: str | None
        title: str

    class FileRow(Shape):
        type: Literal["file"]
        file: Blank = ""  # the library document, by stored file name or (else) by title
        title: Blank = ""

    Out, Row = FileMessage, FileRow

    @classmethod
    def block(cls):
        return blocks.FileBlock()


@register
class Delay(MessageType):
    type = "delay"
    is_message = False

    class DelayMessage(Shape):
        type: Literal["delay"]
        seconds: Annotated[int, Strict()]

    Out = Row = DelayMessage

    @classmethod
    def block(cls):
        return blocks.DelayBlock()

    @classmethod
    def to_api(cls, value, render: Render) -> dict[str, Any]:
        return {"type": "delay", "seconds": value["seconds"]}

    @classmethod
    def to_export(cls, value) -> dict[str, Any]:
        return {"type": "delay", "seconds": value["seconds"]}

    @classmethod
    def to_block(cls, row, media) -> Any:
        return {"seconds": row.seconds}

    @classmethod
    def wait_seconds(cls, message) -> int:
        return message["seconds"]
