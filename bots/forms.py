"""The admin forms of Settings → Bot clients and Settings → Webhooks."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from personas.models import Persona

from . import transport
from .models import BotClient


class BotClientForm(WagtailAdminModelForm):
    personas = forms.ModelMultipleChoiceField(
        queryset=Persona.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Personas"),
        help_text=_("What the bot may read. Everything of other personas does not exist for it."),
    )

    class Meta:
        model = BotClient
        fields = ["name", "all_personas", "personas", "expires_at"]

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise forms.ValidationError(_("A client needs a name."))
        return name

    def clean_expires_at(self):
        expires_at = self.cleaned_data.get("expires_at")
        changed = "expires_at" in self.changed_data
        if expires_at and changed and expires_at <= timezone.now():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return expires_at

    def clean(self):
        data = super().clean()
        if data.get("all_personas") and data.get("personas"):
            self.add_error("personas", _("Choose personas or “all personas”, not both."))
        elif not data.get("all_personas") and not data.get("personas"):
            self.add_error("personas", _("Choose at least one persona, or “all personas”."))
        return data


class WebhookForm(WagtailAdminModelForm):
    """Refuses a URL that deliveries would refuse anyway (not http(s), or not a public address),
    so the mistake shows when the webhook is saved; the check at each connection is the guard."""

    def clean_url(self):
        url = self.cleaned_data.get("url") or ""
        if url:
            try:
                transport.check_url(url)
            except transport.RefusedDestination as exc:
                raise forms.ValidationError(str(exc)) from exc
        return url
