from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the demo data of every app (personas, users, ...). Idempotent: existing rows are "
        "kept as they are."
    )

    def handle(self, *args, **options):
        # Each project app that has demo data exposes `<app>.demo.load(stdout)`; they run in
        # INSTALLED_APPS order, so an app's demo can rely on the apps listed before it.
        for app_config in apps.get_app_configs():
            if not app_config.path.startswith(str(self._project_root())):
                continue
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app_config.name}.demo":
                    raise
                continue
            module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    @staticmethod
    def _project_root():
        from django.conf import settings

        return settings.BASE_DIR
