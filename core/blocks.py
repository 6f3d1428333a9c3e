"""StreamField blocks shared by the apps."""

from django.utils.translation import gettext_lazy as _
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
