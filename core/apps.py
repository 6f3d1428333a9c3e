from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """The ground floor: shared fields, API plumbing, and the delivery generation's one row."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_new_database, sender=self, dispatch_uid="core.generation.migrate")


def _new_database(sender, using="default", **kwargs):
    """A database just created or migrated: answers a shared cache still holds from another
    database (recreated, restored) must not be served for this one."""
    from core import generation

    generation.bump(using)
