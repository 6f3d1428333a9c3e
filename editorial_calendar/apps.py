from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialCalendarConfig(AppConfig):
    name = "editorial_calendar"
    label = "editorial_calendar"
    verbose_name = _("Editorial calendar")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .search_types import register_types

        register_types()
        from core import generation

        from .models import CalendarEntry, CalendarPause, HotTopic

        generation.watch(CalendarEntry, CalendarPause, HotTopic)
