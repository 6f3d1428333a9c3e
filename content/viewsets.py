import django_filters
from django import forms
from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.panels import TotalsPanel
from personas.models import AudienceSegment, Persona

from . import import_jobs
from .admin_views import (
    AcceptFindingView,
    ComplianceColumn,
    GatedWorkflowActionView,
    ScriptCreateView,
    ScriptEditView,
    ScriptIndexView,
)
from .enums import Stage
from .forms import ScriptForm
from .import_views import URL_NAMESPACE, JobView, UploadView, status_view, template_view
from .live_findings import LiveFindingsView
from .models import (
    ChatScript,
    GroupScript,
    LivestreamScript,
    MomentScript,
    Script,
    ScriptUsage,
)
from .moderation import with_workflow_status
from .panels import ComplianceRecordsPanel, LintPanel, NamedTab, RunOfShowTotalPanel


class ScriptFilterSet(WagtailFilterSet):
    persona = django_filters.ModelChoiceFilter(
        label=_("Persona"), queryset=Persona.objects.all(), field_name="persona"
    )
    stage = django_filters.ChoiceFilter(label=_("Lifecycle stage"), choices=Stage.choices)
    audience = django_filters.ModelChoiceFilter(
        label=_("Audience"), queryset=AudienceSegment.objects.all(), field_name="audiences"
    )
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag")
    live = django_filters.BooleanFilter(label=_("Published"))
    review = django_filters.ChoiceFilter(
        label=_("Review status"),
        choices=[
            ("in_progress", _("In moderation")),
            ("needs_changes", _("Changes requested")),
            ("unpublished_changes", _("Live, with unpublished changes")),
            ("never_published", _("Never published")),
        ],
        method="filter_review",
    )

    class Meta:
        model = Script
        fields = []

    def filter_tag(self, queryset, name, value):
        return queryset.filter(Q(tags__name=value.strip())).distinct()

    def filter_review(self, queryset, name, value):
        if value == "unpublished_changes":
            return queryset.filter(live=True, has_unpublished_changes=True)
        if value == "never_published":
            return queryset.filter(first_published_at__isnull=True)
        return with_workflow_status(queryset, value)


def _usage(field):
    def accessor(script):
        try:
            return getattr(script.usage, field)
        except Script.usage.RelatedObjectDoesNotExist:
            return 0

    return accessor


def _tabs(content_panels):
    return TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("persona", required_on_save=True),
                            FieldPanel("stage", required_on_save=True),
                        ]
                    ),
                    FieldPanel("title", required_on_save=True),
                    *content_panels,
                ],
                heading=_("Script"),
            ),
            ObjectList(
                [
                    FieldPanel(
                        "variables",
                        help_text=_(
                            "Declare every {{name}} the texts use. Bots must supply required "
                            "variables that have no default."
                        ),
                    )
                ],
                heading=_("Variables"),
            ),
            ObjectList(
                [
                    FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("tags"),
                    FieldPanel("hot_topic"),
                    MultiFieldPanel(
                        [FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")])],
                        heading=_("Validity window"),
                        help_text=_("Outside this window bots never see the script."),
                    ),
                    FieldPanel("external_id"),
                ],
                heading=_("Targeting"),
            ),
            NamedTab([LintPanel(heading=_("Findings"))], heading=_("Lint"), name="lint"),
            ObjectList(
                [TotalsPanel(ScriptUsage.totals_of, heading=_("Reported by bots"))],
                heading=_("Usage"),
            ),
            ObjectList([PublishingPanel()], heading=_("Publishing")),
            NamedTab(
                [ComplianceRecordsPanel(heading=_("Compliance records"))],
                heading=_("Compliance records"),
                name="compliance_records",
            ),
        ],
        base_form_class=ScriptForm,
    )


class ScriptViewSet(SnippetViewSet):
    icon = "openquote"
    list_display = [
        "title",
        Column("persona", label=_("Persona")),
        Column("stage", label=_("Stage"), accessor="get_stage_display"),
        Column("sent", label=_("Sent"), accessor=_usage("sent")),
        Column("clicked", label=_("Clicked"), accessor=_usage("clicked")),
        Column("converted", label=_("Converted"), accessor=_usage("converted")),
        UpdatedAtColumn(),
        LiveStatusTagColumn(),
        ComplianceColumn("compliance", label=_("Compliance")),
    ]
    index_view_class = ScriptIndexView
    filterset_class = ScriptFilterSet
    # The search box goes through the Chinese-aware search backend (drafts included).
    search_backend_name = "default"
    inspect_view_enabled = True
    add_view_class = ScriptCreateView
    edit_view_class = ScriptEditView
    workflow_action_view_class = GatedWorkflowActionView

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path(
                "accept-finding/<str:pk>/",
                AcceptFindingView.as_view(model=self.model),
                name="accept_finding",
            ),
            path(
                "live-findings/", LiveFindingsView.as_view(viewset=self), name="live_findings_new"
            ),
            path(
                "live-findings/<str:pk>/",
                LiveFindingsView.as_view(viewset=self),
                name="live_findings",
            ),
        ]

    def get_queryset(self, request):
        return self.model._default_manager.select_related("persona", "usage")


class MomentScriptViewSet(ScriptViewSet):
    model = MomentScript
    icon = "image"
    menu_label = _("Moments posts")
    menu_order = 100
    edit_handler = _tabs(
        [
            FieldPanel(
                "messages",
                help_text=_("One text, up to 9 images (or one video), and at most one card."),
            ),
            FieldPanel("first_comment"),
        ]
    )


class GroupScriptViewSet(ScriptViewSet):
    model = GroupScript
    icon = "group"
    menu_label = _("Group scripts")
    menu_order = 200
    edit_handler = _tabs(
        [
            FieldRowPanel([FieldPanel("purpose"), FieldPanel("trigger")]),
            FieldPanel("group_types"),
            FieldPanel(
                "messages", heading=_("Messages, in order"), help_text=_("Add delays between them.")
            ),
        ]
    )


class LivestreamScriptViewSet(ScriptViewSet):
    model = LivestreamScript
    icon = "media"
    menu_label = _("Livestream scripts")
    menu_order = 300
    edit_handler = _tabs(
        [
            FieldPanel("segments", heading=_("Run of show")),
            RunOfShowTotalPanel(),
            FieldPanel(
                "messages",
                heading=_("Warm-up messages"),
                help_text=_("Posted to groups and moments before the livestream."),
            ),
        ]
    )


class ChatScriptViewSet(ScriptViewSet):
    model = ChatScript
    icon = "comment"
    menu_label = _("Chat replies")
    menu_order = 400
    edit_handler = _tabs(
        [
            FieldPanel("triggers", help_text=_("Keywords or intents, one per line.")),
            FieldPanel("messages", heading=_("Replies")),
        ]
    )


SUBMENU_HOOK = "register_content_submenu"


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return import_jobs.can_import(request.user)


class ImportViewSet(ViewSet):
    """话术库 → 导入 (content/import_views.py), for users who may add scripts."""

    name = URL_NAMESPACE
    icon = "upload"
    menu_label = _("Import")
    menu_order = 900
    url_prefix = "content/import"
    menu_hook = SUBMENU_HOOK
    menu_item_class = ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("", UploadView.as_view(), name="index"),
            path("template.xlsx", template_view, name="template"),
            path("<int:pk>/", JobView.as_view(), name="job"),
            path("<int:pk>/status/", status_view, name="status"),
        ]


class ScriptsGroup(SnippetViewSetGroup):
    menu_label = _("Scripts")
    menu_icon = "openquote"
    menu_order = 210
    submenu_hook = SUBMENU_HOOK
    items = (
        MomentScriptViewSet,
        GroupScriptViewSet,
        LivestreamScriptViewSet,
        ChatScriptViewSet,
    )
