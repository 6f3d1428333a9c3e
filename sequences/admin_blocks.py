"""The step block in the editor: a readable header when collapsed (“D3 09:00 · 优惠提醒”), drawn
by a small StructBlock definition (static/sequences/js/step_block.js) with the same words the
timeline uses (labels.when)."""

from django import forms
from django.utils.functional import cached_property
from wagtail.admin.telepath import register
from wagtail.blocks.struct_block import StructBlockAdapter

from .blocks import StepBlock
from .enums import Weekday
from .labels import words


class StepBlockAdapter(StructBlockAdapter):
    js_constructor = "sequences.blocks.StepBlock"

    def js_args(self, block):
        name, children, meta = super().js_args(block)
        meta = {
            **meta,
            "stepWords": {
                **words(),
                "weekdays": {str(value): str(label) for value, label in Weekday.choices},
            },
        }
        return [name, children, meta]

    @cached_property
    def media(self):
        return forms.Media(js=[*super().media._js, "sequences/js/step_block.js"])


register(StepBlockAdapter(), StepBlock)
