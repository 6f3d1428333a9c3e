"""List columns shared by the admin listings."""

from django.utils.translation import gettext
from wagtail.admin.ui.tables import Column


class YesNoColumn(Column):
    """A boolean as 是 / 否 (Wagtail's BooleanColumn titles its icons "True" / "False")."""

    def get_value(self, instance):
        value = super().get_value(instance)
        if value is None:
            return ""
        return "✓ " + gettext("Yes") if value else "✗ " + gettext("No")
