from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: shared fields, API plumbing, and the delivery generation's one row."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
