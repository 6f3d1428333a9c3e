from django.utils import translation
from wagtail.images.blocks import ImageBlock as WagtailImageBlock

from core.blocks import ImageBlock


def test_image_chooser_is_labelled_in_chinese_and_migrates_as_wagtails_block():
    block = ImageBlock(label="图片")
    block.set_name("image")
    with translation.override("zh-hans"):
        assert str(block.child_blocks["image"].label) == "图片"
    theirs = WagtailImageBlock(label="图片")
    assert block.deconstruct() == theirs.deconstruct()


def test_message_image_block_is_labelled():
    from content.blocks import message_blocks

    image = dict(message_blocks())["image"]
    with translation.override("zh-hans"):
        assert str(image.child_blocks["image"].label) == "图片"
