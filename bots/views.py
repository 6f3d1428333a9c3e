"""Admin views for bot clients: the token is shown once, on the page after creation; revoking
asks for confirmation."""

from __future__ import annotations

import json
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import ListingButton

from .models import BotClient


def status_of(client: BotClient) -> str:
    if client.revoked_at:
        return _("Revoked")
    if not client.is_active:
        return _("Expired")
    return _("Active")


def scope_of(client: BotClient) -> str:
    if client.all_personas:
        return _("All personas")
    return "、".join(persona.name for persona in client.personas.all()) or "—"


class ScopeColumn(Column):
    def get_value(self, instance):
        return scope_of(instance)


class StatusColumn(Column):
    def get_value(self, instance):
        return status_of(instance)


class IndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("personas")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.revoked_at is None:
            buttons.append(
                ListingButton(
                    _("Revoke"),
                    url=reverse("bots_botclient:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=25,
                )
            )
        return buttons


class CreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        client, self.token = BotClient.create(
            data["name"],
            personas=data["personas"],
            all_personas=data["all_personas"],
            expires_at=data["expires_at"],
        )
        return client

    def save_action(self):
        response = TemplateResponse(
            self.request,
            "bots/token_created.html",
            {
                "client": self.object,
                "token": self.token,
                "scope": scope_of(self.object),
                "index_url": reverse("bots_botclient:index"),
                "page_title": _("Bot client created"),
                "header_title": _("Bot client created"),  # the window title
                "header_icon": "key",
            },
        )
        return response  # the admin marks every page no-store: the token lingers in no cache


class EditView(generic.EditView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_subtitle"] = f"{self.object.name} · {status_of(self.object)}"
        return context


class RevokeView(WagtailAdminTemplateMixin, View):
    """Confirm, then revoke: the token stops working on the bot's next request."""

    template_name = "bots/confirm_revoke.html"
    page_title = gettext_lazy("Revoke bot client")
    header_icon = "key"

    def dispatch(self, request, pk):
        if not request.user.has_perm("bots.change_botclient"):
            raise PermissionDenied
        self.client = get_object_or_404(BotClient, pk=pk)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        return self.render_to_response(
            self.get_context_data(client=self.client, index_url=reverse("bots_botclient:index"))
        )

    def post(self, request, pk):
        self.client.revoke()
        messages.success(
            request, _("“%(name)s” is revoked; its token no longer works.") % {"name": self.client}
        )
        return redirect("bots_botclient:index")


class WebhookEditView(generic.EditView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_subtitle"] = self.object.url
        return context

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["url"].help_text = _(
            "Deliveries are signed: X-Signature is sha256=HMAC-SHA256(body) with the secret %(s)s"
        ) % {"s": self.object.secret}
        return form


class DeliveryIndexView(generic.IndexView):
    def get_add_url(self):
        return None  # deliveries are made by the system

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("webhook__client")

    def get_edit_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None


class DeliveryInspectView(generic.InspectView):
    def get_field_display_value(self, field_name, field):
        value = getattr(self.object, field_name, None)
        if value is None:
            return "—"
        if isinstance(value, datetime):  # in the site's time zone, like the payload's times
            return date_format(timezone.localtime(value), "Y-m-d H:i:s")
        if field_name == "payload":  # the JSON the receiver got
            return json.dumps(value, ensure_ascii=False, indent=2)
        return super().get_field_display_value(field_name, field)

    def get_edit_url(self):
        return None

    def get_delete_url(self):
        return None
