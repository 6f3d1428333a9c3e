"""Settings → Bot clients: who may call the delivery API."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from . import views
from .forms import BotClientForm
from .models import BotClient


class BotClientViewSet(ModelViewSet):
    model = BotClient
    icon = "key"
    menu_label = _("Bot clients")
    add_to_settings_menu = True
    url_prefix = "bot-clients"
    name = "bots_botclient"
    index_view_class = views.IndexView
    add_view_class = views.CreateView
    edit_view_class = views.EditView
    search_fields = ["name"]
    list_display = [
        TitleColumn("name", label=_("Name"), url_name="bots_botclient:edit"),
        views.ScopeColumn("scope", label=_("Personas")),
        views.StatusColumn("status", label=_("Status")),
        Column("token_prefix", label=_("Token starts with")),
        DateColumn("expires_at", label=_("Expires at")),
        DateColumn("last_used_at", label=_("Last used")),
        DateColumn("created_at", label=_("Created")),
    ]

    def get_form_class(self, for_update=False):
        return BotClientForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("revoke/<int:pk>/", views.RevokeView.as_view(), name="revoke"),
        ]
