"""What every message type has in common: the base of a definition and the registry.

A message type is one subclass of :class:`MessageType`, registered with :func:`register`. It names
its StreamField block, its API shape (``Out``, a pydantic model: the OpenAPI schema) and its
import/export shape (``Row``, the model that validates import rows), and converts between the
stored block value and those shapes. Everything else (API, export, import, lint, search,
the WeCom and plain-text formats, the moments rules, previews) goes through the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict

from .. import variables as vars_


def _none_as_empty(value: Any) -> Any:
    return "" if value is None else value


# An optional text in a row: missing, null and "" all mean "none" (exports write "").
Blank = Annotated[str, BeforeValidator(_none_as_empty)]


class Shape(BaseModel):
    """Base of every message shape, fields in the order the API and export write them.

    Unknown keys are ignored, not refused: bots must accept fields added later (API.md), and an
    import row in the API shape (with ``url``, ``width``…) still imports by title."""

    model_config = ConfigDict(extra="ignore")


@dataclass(frozen=True)
class Render:
    """How the API writes a message: variable values (None: as stored) and absolute URLs."""

    values: Mapping[str, str] | None = None
    absolute: Callable[[str], str] = str

    def text(self, value: str) -> str:
        return vars_.render(value, self.values) if self.values is not None else value


class MessageType:
    """One message type. Subclasses set the class attributes and the conversions they need."""

    type: ClassVar[str]  # the block name and the API/import ``type``: part of the contract
    Out: ClassVar[type[BaseModel]]  # the API shape (OpenAPI schema)
    Row: ClassVar[type[BaseModel]]  # the import/export shape (import validator)
    # Fields users read, in order: lint, variables, search and rendering with values use them.
    texts: ClassVar[tuple[str, ...]] = ()
    # The Row field that is the whole block value (a text message's text), if any: its text and
    # its errors are reported at messages.N rather than messages.N.<field>.
    value_field: ClassVar[str | None] = None
    # Where the message fits in a moments post: "text", "images", "video", "card" or None
    # (cannot be posted to moments). Previews group moments the same way.
    moment_slot: ClassVar[str | None] = None
    # False for messages that only pace the others (a delay): a script needs a real one.
    is_message: ClassVar[bool] = True

    @classmethod
    def block(cls):
        """The StreamField block, offered in the editor in registration order."""
        raise NotImplementedError

    @classmethod
    def iter_texts(cls, value) -> Iterator[tuple[str, str]]:
        """(suffix, text) for every non-empty text of a stored block value."""
        for name in cls.texts:
            whole = name == cls.value_field
            text = value if whole else value.get(name)
            if text:
                yield ("" if whole else f".{name}"), text

    @classmethod
    def to_api(cls, value, render: Render) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def to_export(cls, value) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def to_block(cls, row: BaseModel, media) -> Any:
        """Raw block value from a validated Row; `media` finds images/documents (ValueError)."""
        raise NotImplementedError

    @classmethod
    def to_wecom(cls, message: dict[str, Any]) -> dict[str, Any] | None:
        """The WeCom payload of an API message; None for what WeCom has no message for."""
        return None

    @classmethod
    def wait_seconds(cls, message: dict[str, Any]) -> int:
        """Seconds the next message waits (WeCom ``delay_seconds``)."""
        return 0

    @classmethod
    def describe(cls, message: dict[str, Any]) -> str:
        """The API message as plain text ('' for none)."""
        return ""


REGISTRY: dict[str, type[MessageType]] = {}


def register(cls: type[MessageType]) -> type[MessageType]:
    if cls.type in REGISTRY:
        raise ValueError(f"message type {cls.type!r} registered twice")
    REGISTRY[cls.type] = cls
    return cls


def image_ref(image) -> dict | None:
    """How export names an image: by stored file name (unique), with its title as a fallback."""
    if image is None:
        return None
    return {"file": image.file.name, "title": image.title}
