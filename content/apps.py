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
        from taggit.models import Tag
        from wagtail.images import get_image_model

        from core import generation

        from . import signal_handlers  # noqa: F401
        from .models import Script, ScriptTag

        generation.watch(Script, ScriptTag, Tag, get_image_model())
        generation.clock_of(Script, "go_live_at", "expire_at", "valid_from", "valid_until")
