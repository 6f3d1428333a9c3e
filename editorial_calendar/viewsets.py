import django_filters
from django.contrib import messages
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, UpdatedAtColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from core.columns import YesNoColumn
from core.panels import TotalsPanel
from personas.enums import Channel
from personas.models import Persona

from . import pauses
from .enums import Category, EntryStatus
from .forms import CalendarEntryForm
from .models import CalendarEntry, CalendarPause, HotTopic, SensitiveDate
from .planning import FIRST_DAY, LAST_DAY
from .views import (
    CalendarView,
    PauseView,
    ResumeView,
    ReviewView,
    feed_url_view,
    parse_id,
    scripts_view,
)


class HotTopicFilterSet(WagtailFilterSet):
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    start = django_filters.DateFromToRangeFilter(label=_("Start"), widget=DateRangePickerWidget)

    class Meta:
        model = HotTopic
        fields = []


class HotTopicViewSet(SnippetViewSet):
    model = HotTopic
    icon = "pick"
    menu_label = _("Hot topics")
    menu_order = 300
    list_display = [
        "name",
        Column("category", label=_("Category"), accessor="get_category_display"),
        "start",
        "end",
        Column("prepare_from", label=_("Prepare from")),
        "lead_days",
        UpdatedAtColumn(),
    ]
    filterset_class = HotTopicFilterSet
    # The search box goes through the Chinese-aware search backend (see search/).
    search_backend_name = "default"
    list_per_page = 50
    ordering = ["start"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug"), FieldPanel("category")]),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end"), FieldPanel("lead_days")]),
        FieldPanel("description"),
        FieldPanel("angles", help_text=_("One per line.")),
    ]


class EntryFilterSet(WagtailFilterSet):
    persona = django_filters.ModelChoiceFilter(label=_("Persona"), queryset=Persona.objects.all())
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EntryStatus.choices)
    date = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = CalendarEntry
        fields = ["owner"]


class EntryCreateView(CreateView):
    """Quick-create from a calendar day: ?date=&persona=&channel=&hot_topic= prefill the form."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        query = self.request.GET
        # Prefills are a convenience: a value that cannot be used is left out, never a 500.
        try:
            day = parse_date(query.get("date") or "")
        except ValueError:  # well-formed but not a day, e.g. 2026-02-30
            day = None
        if day and FIRST_DAY <= day <= LAST_DAY:
            instance.date = day
        if persona := parse_id(query.get("persona")):
            instance.persona_id = persona
        if query.get("channel") in Channel.values:
            instance.channel = query["channel"]
        if topic := parse_id(query.get("hot_topic")):
            instance.hot_topic_id = topic
        instance.owner = self.request.user
        return instance

    def save_action(self):
        _warn(self)
        return super().save_action()


def _warn(view) -> None:
    """Planning warnings of the saved form (a promotion on a sensitive date)."""
    if view.expects_json_response:
        return
    for text in getattr(view.form, "warnings", []):
        messages.warning(view.request, text)


class EntryEditView(EditView):
    """Says so when saving sent an approved or scheduled entry back to review."""

    def save_action(self):
        if getattr(self.form, "returned_to_review", False) and not self.expects_json_response:
            messages.warning(
                self.request,
                _(
                    "“%(title)s” was changed after approval, so it went back to review: bots "
                    "no longer see it until a manager approves it again."
                )
                % {"title": self.object.title},
            )
        _warn(self)
        return super().save_action()


class CalendarEntryViewSet(SnippetViewSet):
    model = CalendarEntry
    icon = "list-ul"
    menu_label = _("Calendar entries")
    menu_order = 200
    add_view_class = EntryCreateView
    edit_view_class = EntryEditView
    list_display = [
        "title",
        "date",
        "time",
        Column("persona", label=_("Persona")),
        Column("channel", label=_("Channel"), accessor="get_channel_display"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("owner", label=_("Owner")),
        Column("mismatch", label=_("Check"), accessor="script_mismatch"),
        Column("outcome", label=_("Reported by bots"), accessor="outcome_summary"),
    ]
    filterset_class = EntryFilterSet
    # The search box goes through the Chinese-aware search backend (see search/).
    search_backend_name = "default"
    list_per_page = 50
    ordering = ["-date"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("date"), FieldPanel("time")]),
            FieldRowPanel([FieldPanel("persona"), FieldPanel("channel")]),
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("hot_topic"), FieldPanel("script")]),
            FieldRowPanel([FieldPanel("owner"), FieldPanel("status")]),
            FieldPanel("notes"),
            MultiFieldPanel([FieldPanel("review_comment")], heading=_("Review")),
            TotalsPanel(CalendarEntry.outcome_totals, heading=_("Reported by bots")),
        ],
        base_form_class=CalendarEntryForm,
    )

    def get_queryset(self, request):
        return CalendarEntry.objects.select_related("persona", "owner", "script", "hot_topic")


class SensitiveDateViewSet(SnippetViewSet):
    model = SensitiveDate
    icon = "warning"
    menu_label = _("Sensitive dates")
    menu_order = 400
    list_display = [
        "name",
        Column("when", label=_("Date")),
        Column("rule", label=_("Rule"), accessor="get_rule_display"),
        YesNoColumn("active", label=_("active")),
    ]
    list_per_page = 50
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("month"), FieldPanel("day"), FieldPanel("solar_term")]),
        FieldRowPanel([FieldPanel("rule"), FieldPanel("active")]),
        FieldPanel("note"),
    ]


class PauseCreateView(CreateView):
    """Pausing goes through pauses.pause(), which tells bots (calendar.paused)."""

    def save_instance(self):
        data = self.form.cleaned_data
        return pauses.pause(data["start"], data["end"], data["reason"], self.request.user)


class CalendarPauseViewSet(SnippetViewSet):
    model = CalendarPause
    icon = "pause"
    menu_label = _("Paused dates")
    menu_order = 500
    add_view_class = PauseCreateView
    list_display = ["start", "end", "reason", "created_by", "resumed_at"]
    list_per_page = 50
    panels = [FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("reason")]


SUBMENU_HOOK = "register_editorial_calendar_submenu"


class CalendarViewSet(ViewSet):
    name = "editorial_calendar"
    icon = "date"
    menu_label = _("Calendar")
    menu_order = 0
    url_prefix = "calendar"
    menu_hook = SUBMENU_HOOK

    def get_urlpatterns(self):
        from django.urls import path

        return [
            path("", CalendarView.as_view(), name="index"),
            path("review/<int:pk>/", ReviewView.as_view(), name="review"),
            path("feed/", feed_url_view, name="feed"),
            path("pause/", PauseView.as_view(), name="pause"),
            path("scripts/", scripts_view, name="scripts"),
            path("pause/<int:pk>/resume/", ResumeView.as_view(), name="resume"),
        ]


class CalendarGroup(SnippetViewSetGroup):
    menu_label = _("Editorial calendar")
    menu_icon = "date"
    menu_order = 220
    submenu_hook = SUBMENU_HOOK
    items = (CalendarEntryViewSet, HotTopicViewSet, SensitiveDateViewSet, CalendarPauseViewSet)
