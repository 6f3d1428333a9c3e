"""Admin: the sequence snippet (the timeline editor: steps, their timeline with previews, the
checks of every step; duplicate) and the script chooser the steps use."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
    TabbedInterface,
)
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from content.admin_views import AcceptFindingView
from content.models import Script
from content.panels import NamedTab

from .checks import findings
from .forms import SequenceForm
from .models import Sequence
from .panels import ChecksPanel, TimelinePanel
from .views import CHECKS_TAB, SequenceCopyView, SequenceWorkflowActionView


class ScriptChooserViewSet(ChooserViewSet):
    model = Script
    icon = "doc-full"
    choose_one_text = _("Choose a script")
    choose_another_text = _("Choose another script")
    edit_item_text = _("Edit this script")


script_chooser_viewset = ScriptChooserViewSet("sequences_script_chooser")


class SequenceViewSet(SnippetViewSet):
    model = Sequence
    icon = "time"
    menu_label = _("Sequences")
    menu_order = 250
    add_to_admin_menu = True
    list_display = [
        "name",
        "persona",
        "channel",
        "trigger",
        UpdatedAtColumn(),
        LiveStatusTagColumn(),
    ]
    list_filter = ["persona", "channel", "trigger", "live"]
    search_fields = ["name", "slug"]
    search_backend_name = None  # ORM icontains: plain model, Chinese names
    copy_view_enabled = True
    copy_view_class = SequenceCopyView
    workflow_action_view_class = SequenceWorkflowActionView

    def get_urlpatterns(self):
        accept = AcceptFindingView.as_view(model=self.model, findings_of=findings, tab=CHECKS_TAB)
        return super().get_urlpatterns() + [
            path("accept-finding/<str:pk>/", accept, name="accept_finding"),
        ]

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
                    FieldRowPanel([FieldPanel("persona"), FieldPanel("channel")]),
                    FieldPanel("description"),
                    FieldPanel("audiences"),
                    FieldRowPanel([FieldPanel("trigger"), FieldPanel("custom_trigger")]),
                    MultiFieldPanel(
                        [
                            FieldRowPanel([FieldPanel("quiet_start"), FieldPanel("quiet_end")]),
                            FieldRowPanel([FieldPanel("start_at"), FieldPanel("cycle_days")]),
                            FieldPanel("exit_conditions"),
                        ],
                        heading=_("Timing"),
                    ),
                    FieldPanel("variables"),
                    FieldPanel("steps"),
                ],
                heading=_("Steps"),
            ),
            NamedTab(
                [TimelinePanel(heading=_("Timeline"))], heading=_("Timeline"), name="timeline"
            ),
            NamedTab([ChecksPanel(heading=_("Checks"))], heading=_("Checks"), name="checks"),
            ObjectList([PublishingPanel()], heading=_("Publishing")),
        ],
        base_form_class=SequenceForm,
    )
