from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running an installation: backup and restore (above every domain app, below site_config)."""

    name = "operations"
    label = "operations"
    verbose_name = _("Operations")
