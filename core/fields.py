"""A list of short phrases stored as JSON and edited as one phrase per line.

Used for tone words, catchphrases, forms of address, banned words and example lines, and
available to other apps (for instance trigger keywords) through this module.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class LineListFormField(forms.CharField):
    widget = forms.Textarea

    def __init__(self, *, max_item_length: int = 200, max_items: int = 200, **kwargs):
        self.max_item_length = max_item_length
        self.max_items = max_items
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            value = "\n".join(str(item) for item in value)
        text = super().to_python(value) or ""
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        # Leading and trailing empty lines are harmless; an empty line *between* entries is
        # reported, because it usually means a phrase was deleted by accident.
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        items: list[str] = []
        errors: list[ValidationError] = []
        seen: set[str] = set()
        for number, line in enumerate(lines, start=1):
            item = line.strip()
            if not item:
                errors.append(
                    ValidationError(
                        _("Line %(line)d is blank: write one entry per line, without empty lines."),
                        code="blank_line",
                        params={"line": number},
                    )
                )
                continue
            if len(item) > self.max_item_length:
                errors.append(
                    ValidationError(
                        _("Line %(line)d is longer than %(max)d characters."),
                        code="too_long",
                        params={"line": number, "max": self.max_item_length},
                    )
                )
                continue
            if item in seen:
                errors.append(
                    ValidationError(
                        _("Line %(line)d repeats “%(item)s”."),
                        code="duplicate",
                        params={"line": number, "item": item},
                    )
                )
                continue
            seen.add(item)
            items.append(item)
        if len(items) > self.max_items:
            errors.append(
                ValidationError(
                    _("At most %(max)d entries are allowed."),
                    code="too_many",
                    params={"max": self.max_items},
                )
            )
        if errors:
            raise ValidationError(errors)
        return items

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial, data):
        try:
            return self.to_python(initial or []) != self.to_python(data)
        except ValidationError:
            return True


class LineListField(models.JSONField):
    """JSON list of strings; in forms, a textarea with one entry per line."""

    def __init__(self, *args, max_item_length: int = 200, max_items: int = 200, **kwargs):
        self.max_item_length = max_item_length
        self.max_items = max_items
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_item_length != 200:
            kwargs["max_item_length"] = self.max_item_length
        if self.max_items != 200:
            kwargs["max_items"] = self.max_items
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        defaults = {
            "form_class": LineListFormField,
            "max_item_length": self.max_item_length,
            "max_items": self.max_items,
        }
        defaults.update(kwargs)
        return super().formfield(**defaults)
