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
        from core import generation

        from .models import AudienceSegment, Persona, PersonaChannel

        # What bots read changes with these (core/generation.py): answers cached under the
        # delivery generation are not reused after a change or past a go-live/expiry.
        generation.watch(Persona, PersonaChannel, AudienceSegment)
        generation.clock_of(Persona, "go_live_at", "expire_at")
