"""StreamField blocks shared by the apps."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images import blocks as image_blocks


class ImageBlock(image_blocks.ImageBlock):
    """Wagtail's ImageBlock with a translatable label on its chooser.

    Wagtail builds the child chooser without a label, so the editor shows "Image*" (the child's
    name, never translated) in a Chinese admin. Migrations see a plain Wagtail ImageBlock
    (ImageBlock.deconstruct names Wagtail's class), so switching to this one migrates nothing.
    """

    def __init__(self, required=True, **kwargs):
        super().__init__(required=required, **kwargs)
        self.child_blocks["image"].label = _("Image")


class TimeBlock(blocks.TimeBlock):
    """Wagtail's TimeBlock whose picker keeps a time it cannot read (core/widgets.py): "晚上8点"
    in an SOP step is a field error on saving, not the current time saved in its place.
    Migrations see Wagtail's TimeBlock, so switching to this one migrates nothing."""

    canonical_module_path = "wagtail.blocks.TimeBlock"

    @cached_property
    def field(self):
        from django import forms

        from core.widgets import TypedTimeInput

        return forms.TimeField(widget=TypedTimeInput(format=self.format), **self.field_options)
