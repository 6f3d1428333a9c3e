"""The admin's one search (home page box and the sidebar's 搜索): personas, scripts of every
kind (drafts too, with their status), hot topics and calendar entries, through search.query
— the same analysis, matching and ranking as the API — limited to what the user may view."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib.admin.utils import quote
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.search import SearchArea
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core import search_types

from . import analysis
from .plan import plan_for
from .query import BadQuery, find

LIMIT = 50

STATUS_LABELS = {
    "live": gettext_lazy("Published"),
    "changed": gettext_lazy("Published, with unpublished changes"),
    "draft": gettext_lazy("Draft"),
}


def _kind_choices():
    """What to look in: each searchable type, scripts split by kind (labels from the models)."""
    choices = [("", _("Everything"))]
    for search_type in search_types.registered():
        model = apps.get_model(search_type.model)
        kinds = model._meta.get_field("kind").choices if search_type.name == "script" else None
        if kinds:
            choices += [(f"{search_type.name}:{value}", label) for value, label in kinds]
        else:
            choices.append((search_type.name, model._meta.verbose_name_plural))
    return choices


class AdminSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    persona = forms.ModelChoiceField(
        label=gettext_lazy("Persona"), queryset=None, required=False,
        empty_label=gettext_lazy("All personas"),
    )  # fmt: skip
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False,
        choices=[("", gettext_lazy("Any status")), ("live", gettext_lazy("Published")),
                 ("draft", gettext_lazy("Not published"))],
    )  # fmt: skip

    def __init__(self, *args, personas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kind_choices()
        self.fields["persona"].queryset = personas
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Scripts, personas, hot topics, calendar entries…"),
             "autofocus": True, "type": "search"}
        )  # fmt: skip


def _personas_for(user):
    from personas.models import Persona  # read by label only when the admin renders the form

    if not search_types.may_view(user, Persona):
        return Persona.objects.none()
    return Persona.objects.order_by("name").only("pk", "name")


def edit_url(model, pk) -> str:
    viewset = getattr(model, "snippet_viewset", None)
    if viewset is None or pk is None:
        return ""
    try:
        return reverse(viewset.get_url_name("edit"), args=[quote(pk)])
    except NoReverseMatch:
        return ""


class AdminSearchView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "siyu_search/admin_search.html"
    page_title = gettext_lazy("Search")
    header_icon = "search"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = AdminSearchForm(self.request.GET or None, personas=_personas_for(user))
        context.update(form=form, results=None, error="")
        if not form.is_bound or not form.is_valid() or not form.cleaned_data["q"].strip():
            return context
        data = form.cleaned_data
        kind, types = None, None
        if data["kind"]:
            type_name, _sep, kind = data["kind"].partition(":")
            types = (type_name,)
            kind = kind or None
        persona_ids = [data["persona"].pk] if data["persona"] else None
        if persona_ids:  # a persona's own things: its scripts, calendar entries and itself
            bound = {t.name for t in search_types.registered() if t.persona_bound}
            types = tuple(t for t in (types or bound) if t in bound)
        scope = search_types.Scope(
            now=timezone.now(), persona_ids=persona_ids, kind=kind, user=user,
            status=data["status"] or None, live_only=False,
        )  # fmt: skip
        try:
            found = find(data["q"], scope, types=types, limit=LIMIT)
        except BadQuery as error:
            context["error"] = str(error)
            return context
        context["results"] = [self._row(item, data["q"]) for item in found]
        return context

    def _row(self, item, q) -> dict:
        shown = item.shown
        model = shown.model or apps.get_model(item.type.model)
        if shown.kind and item.type.name == "script":
            kind_label = dict(model._meta.get_field("kind").choices).get(shown.kind, shown.kind)
        else:
            kind_label = model._meta.verbose_name
        title = item.type.title(item.obj)
        return {
            "type": item.type.name,
            "kind_label": kind_label,
            "title": analysis.highlight(title, q, length=100, terms=plan_for(q).terms),
            "url": edit_url(model, shown.pk),
            "status": shown.status or "",
            "status_label": STATUS_LABELS.get(shown.status, shown.status or ""),
            "detail": shown.detail,
            "highlight": item.highlight,
        }


class AdminSearchArea(SearchArea):
    """The sidebar's search goes here (Wagtail takes the first area shown, by order)."""

    def is_shown(self, request):
        return True

    def is_active(self, request, current=None):
        return request.path.startswith(self.url)


def search_area() -> AdminSearchArea:
    return AdminSearchArea(
        gettext_lazy("Everything"), reverse("siyu_search_admin"), name="everything",
        icon_name="search", order=0,
    )  # fmt: skip
