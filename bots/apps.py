from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BotsConfig(AppConfig):
    name = "bots"
    label = "bots"
    verbose_name = _("Bot clients")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import credentials, signals

        signals.connect()
        credentials.connect()
        from core import generation

        from .models import BotClient

        generation.watch(BotClient)  # its scope and revocation change what it may read
