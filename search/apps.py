from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    # The label "search" is free: Wagtail's search app is labelled "wagtailsearch".
    name = "search"
    label = "siyu_search"
    verbose_name = _("Chinese search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import outages as core_outages

        from . import analysis, signal_handlers
        from .outages import classify_search

        signal_handlers.connect()
        core_outages.register(classify_search)
        analysis.register_dictionary_loader(signal_handlers.load_dictionary)
