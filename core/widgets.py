"""Admin widgets of our own."""

from wagtail.admin.widgets import AdminTimeInput


class TypedTimeInput(AdminTimeInput):
    """Wagtail's time picker, without replacing what it cannot read by the current time when the
    field is left (its validateOnBlur): the form says the time is wrong instead."""

    def get_config(self):
        return {**super().get_config(), "validateOnBlur": False}
