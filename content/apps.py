from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    label = "content"
    verbose_name = _("Scripts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .search_types import register_types

        register_types()
        from . import signal_handlers  # noqa: F401
