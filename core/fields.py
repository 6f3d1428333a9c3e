"""A list of short phrases stored as JSON and edited as one phrase per line.

Used for tone words, catchphrases, forms of address, banned words and example lines, and
available to other apps (for instance trigger keywords) through this module.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class CleanedList(list):
    """The entries of a pasted list, remembering what was removed on the way (for a notice)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.blank_lines = 0
        self.duplicates: list[str] = []

    def notice(self, label: str) -> str:
        """What was cleaned, in one sentence; empty when the list was pasted clean."""
        parts = []
        if self.blank_lines:
            parts.append(
                ngettext("%(count)d blank line", "%(count)d blank lines", self.blank_lines)
                % {"count": self.blank_lines}
            )
        if self.duplicates:
            unique = list(dict.fromkeys(self.duplicates))
            parts.append(
                ngettext(
                    "%(count)d repeated entry (%(items)s)",
                    "%(count)d repeated entries (%(items)s)",
                    len(self.duplicates),
                )
                % {"count": len(self.duplicates), "items": gettext(", ").join(unique[:10])}
            )
        if not parts:
            return ""
        what = (
            parts[0]
            if len(parts) == 1
            else gettext("%(first)s and %(second)s")
            % {
                "first": parts[0],
                "second": parts[1],
            }
        )
        return gettext("“%(field)s” was cleaned: removed %(what)s.") % {
            "field": label,
            "what": what,
        }


def cleaning_notices(instance) -> list[str]:
    """A notice per list field of `instance` that a form just cleaned (blank lines, repeats)."""
    notices = []
    for field in instance._meta.get_fields():
        if isinstance(field, LineListField):
            value = getattr(instance, field.attname, None)
            if isinstance(value, CleanedList) and (text := value.notice(str(field.verbose_name))):
                notices.append(text)
    return notices


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
        # Lists are pasted from spreadsheets and chats: blank lines and repeats are removed and
        # reported (CleanedList.notice), never refused. Leading/trailing blank lines are not news.
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        items = CleanedList()
        errors: list[ValidationError] = []
        seen: set[str] = set()
        for number, line in enumerate(lines, start=1):
            item = line.strip()
            if not item:
                items.blank_lines += 1
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
                items.duplicates.append(item)
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
