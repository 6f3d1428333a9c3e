from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """The ground floor: shared fields, API plumbing, and the delivery generation's one row."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_new_database, sender=self, dispatch_uid="core.generation.migrate")
        _typed_dates_and_times_kept()


def _new_database(sender, using="default", **kwargs):
    """A database just created or migrated: answers a shared cache still holds from another
    database (recreated, restored) must not be served for this one."""
    from core import generation

    generation.bump(using)


def _typed_dates_and_times_kept():
    """Dates and times in admin forms (an entry's 日期 and 时间, a pause, quiet hours) keep what
    was typed until saving, where a wrong one is a field error (core/widgets.py)."""
    from django.db import models
    from wagtail.admin.forms.models import register_form_field_override

    from core.widgets import TypedDateInput, TypedTimeInput

    register_form_field_override(
        models.DateField, override={"widget": TypedDateInput}, exact_class=True
    )
    register_form_field_override(models.TimeField, override={"widget": TypedTimeInput})
