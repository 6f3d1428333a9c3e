"""StreamField blocks: chat messages, declared variables and livestream segments."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from .enums import MAX_TEXT_LENGTH, Segment


class TextMessageBlock(blocks.TextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        kwargs.setdefault("rows", 4)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        help_text = _("Plain text as users will see it. Variables: {{nickname}}.")


class LinkCardBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=64)
    description = blocks.CharBlock(label=_("Description"), max_length=120, required=False)
    url = blocks.URLBlock(label=_("URL"))
    image = ImageChooserBlock(label=_("Thumbnail"), required=False)

    class Meta:
        icon = "link"
        label = _("Link card")


class MiniProgramBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=64)
    appid = blocks.RegexBlock(
        label=_("AppID"),
        regex=r"^wx[0-9a-f]{16}$",
        error_messages={
            "invalid": _("A mini program AppID looks like wx followed by 16 hex digits.")
        },
    )
    path = blocks.CharBlock(label=_("Page path"), max_length=500)
    image = ImageChooserBlock(label=_("Cover"), required=False)

    class Meta:
        icon = "mobile-alt"
        label = _("Mini-program card")


class VideoBlock(blocks.StructBlock):
    video = DocumentChooserBlock(label=_("Video file"))
    title = blocks.CharBlock(label=_("Title"), max_length=64, required=False)

    class Meta:
        icon = "media"
        label = _("Video")


class FileBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("File"))
    title = blocks.CharBlock(label=_("Title"), max_length=64, required=False)

    class Meta:
        icon = "doc-full"
        label = _("File")


class DelayBlock(blocks.StructBlock):
    seconds = blocks.IntegerBlock(label=_("Seconds"), min_value=1, max_value=86400)

    class Meta:
        icon = "time"
        label = _("Delay")


def message_blocks():
    """The block of every message type, in the order the editor offers them (registration
    order in content/messages/types.py). Names are API message types."""
    from .messages import REGISTRY  # the message types name their blocks defined here

    return [(name, kind.block()) for name, kind in REGISTRY.items()]


class VariableBlock(blocks.StructBlock):
    name = blocks.RegexBlock(
        label=_("Name"),
        regex=r"^[A-Za-z_][A-Za-z0-9_]{0,49}$",
        help_text=_("Latin letters, digits and underscores, e.g. nickname."),
        error_messages={"invalid": _("Use Latin letters, digits and underscores, e.g. nickname.")},
    )
    required = blocks.BooleanBlock(label=_("Required"), required=False, default=True)
    default = blocks.CharBlock(label=_("Default"), required=False, max_length=200)
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=200)

    class Meta:
        icon = "code"
        label = _("Variable")


class SegmentBlock(blocks.StructBlock):
    """A run-of-show segment as a host writes it: a free name (产品讲解：气垫) and, optionally,
    its type from the list (for reports and bots that act on it)."""

    name = blocks.CharBlock(
        label=_("Name"), max_length=100, help_text=_("As the host calls it, e.g. 产品讲解：气垫")
    )
    type = blocks.ChoiceBlock(label=_("Type"), choices=Segment.choices, required=False)
    minutes = blocks.IntegerBlock(label=_("Minutes"), min_value=1, max_value=600)
    cue = blocks.TextBlock(label=_("Host cue"), required=False, max_length=1000, rows=2)
    lines = blocks.ListBlock(
        blocks.TextBlock(max_length=MAX_TEXT_LENGTH, rows=2), label=_("Lines"), min_num=0
    )
    product = blocks.CharBlock(label=_("Featured product"), required=False, max_length=100)

    class Meta:
        icon = "list-ol"
        label = _("Segment")
        # The collapsed header: "开场 · 5 分钟" (Wagtail fills {name}/{minutes} as typed).
        label_format = _("{name} · {minutes} min")
