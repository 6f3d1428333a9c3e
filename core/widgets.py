"""Admin widgets of our own: Wagtail's date and time pickers, keeping what was typed.

Wagtail's picker replaced a date or time it could not read with one of its own when the field
was left (its validateOnBlur): "12月20日" became 1912-01-01, "2026-13-40" today, "晚上8点" the
current time; no error, and that value was saved. Without it the text stays and the form says
the date or time is wrong.
"""

from wagtail.admin.widgets import AdminDateInput, AdminTimeInput


class TypedDateInput(AdminDateInput):
    def get_config(self):
        return {**super().get_config(), "validateOnBlur": False}


class TypedTimeInput(AdminTimeInput):
    def get_config(self):
        return {**super().get_config(), "validateOnBlur": False}
