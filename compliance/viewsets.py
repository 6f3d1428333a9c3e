"""Admin for the rules: Compliance → Rules / Rule packs. Managers edit, copywriters view
(permissions granted in migration 0002); every save bumps the rule-set version."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.columns import YesNoColumn

from .models import Rule, RulePack


class RuleViewSet(SnippetViewSet):
    model = Rule
    icon = "warning"
    menu_label = _("Rules")
    menu_order = 100
    list_display = [
        "code",
        "title",
        "pack",
        "level",
        "kind",
        YesNoColumn("active", label=_("active")),
    ]
    list_filter = ["pack", "level", "kind", "active"]
    # The search box goes through the Chinese-aware search backend (see search/).
    search_backend_name = "default"
    ordering = ["pack__code", "code"]
    panels = [
        FieldRowPanel([FieldPanel("pack"), FieldPanel("code"), FieldPanel("level")]),
        FieldPanel("title"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("window")]),
                FieldPanel("terms"),
                FieldPanel("partners"),
                FieldPanel("sounds_alike"),
            ],
            heading=_("What it looks for"),
        ),
        MultiFieldPanel(
            [FieldPanel("allowed"), FieldPanel("exceptions")],
            heading=_("What is fine"),
        ),
        MultiFieldPanel(
            [FieldPanel("citation"), FieldPanel("explanation"), FieldPanel("suggestions")],
            heading=_("What copywriters see"),
        ),
        FieldPanel("active"),
    ]


class RulePackViewSet(SnippetViewSet):
    model = RulePack
    icon = "folder-open-inverse"
    menu_label = _("Rule packs")
    menu_order = 200
    list_display = [
        "name",
        "code",
        "industry_labels",
        "channel_labels",
        YesNoColumn("active", label=_("active")),
    ]
    list_filter = ["active"]
    # The search box goes through the Chinese-aware search backend (see search/).
    search_backend_name = "default"
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        FieldPanel("description"),
        FieldPanel("industries"),
        FieldPanel("channels"),
        FieldPanel("active"),
    ]


class ComplianceGroup(SnippetViewSetGroup):
    menu_label = _("Compliance")
    menu_icon = "warning"
    menu_order = 220
    items = (RuleViewSet, RulePackViewSet)
