from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SequencesConfig(AppConfig):
    name = "sequences"
    label = "sequences"
    verbose_name = _("Sequences")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import generation

        from .models import Sequence
        from .search_types import register_types

        register_types()
        generation.watch(Sequence)
        generation.clock_of(Sequence, "go_live_at", "expire_at")
