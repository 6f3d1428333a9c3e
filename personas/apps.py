from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonasConfig(AppConfig):
    name = "personas"
    label = "personas"
    verbose_name = _("Personas")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .search_types import register_types

        register_types()
