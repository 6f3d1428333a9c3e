"""Settings → Bot clients: who may call the delivery API."""

from django.forms.models import modelform_factory
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from core.columns import YesNoColumn

from . import views
from .forms import BotClientForm, WebhookForm
from .models import BotClient, Webhook, WebhookDelivery


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


class WebhookViewSet(ModelViewSet):
    model = Webhook
    form_fields = ["client", "url", "active"]
    icon = "link"
    menu_label = _("Webhooks")
    add_to_settings_menu = True
    url_prefix = "webhooks"
    name = "bots_webhook"
    edit_view_class = views.WebhookEditView
    list_display = [
        TitleColumn("url", label=_("URL"), url_name="bots_webhook:edit"),
        Column("client", label=_("Bot client")),
        YesNoColumn("active", label=_("Active")),
        DateColumn("created_at", label=_("Created")),
    ]

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=WebhookForm,
            formfield_callback=self.formfield_for_dbfield,
            fields=self.form_fields,
        )

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, **kwargs)


class WebhookDeliveryViewSet(ModelViewSet):
    """Each delivery's attempts and last status, read-only."""

    model = WebhookDelivery
    exclude_form_fields = []
    icon = "history"
    menu_label = _("Webhook deliveries")
    add_to_settings_menu = True
    url_prefix = "webhook-deliveries"
    name = "bots_webhookdelivery"
    index_view_class = views.DeliveryIndexView
    inspect_view_class = views.DeliveryInspectView
    inspect_view_enabled = True
    list_filter = ["status", "event"]
    list_display = [
        TitleColumn("event", label=_("Event"), url_name="bots_webhookdelivery:inspect"),
        Column("webhook", label=_("Webhook")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("attempts", label=_("Attempts")),
        Column("last_status_code", label=_("Last HTTP status")),
        Column("last_error", label=_("Last error")),
        DateColumn("next_attempt_at", label=_("Next attempt")),
        DateColumn("created_at", label=_("Created")),
    ]

    def get_urlpatterns(self):
        keep = {"index", "index_results", "inspect"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in keep]
