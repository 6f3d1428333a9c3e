from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "cockpit"
    label = "cockpit"
    verbose_name = _("Home")
    default_auto_field = "django.db.models.BigAutoField"
