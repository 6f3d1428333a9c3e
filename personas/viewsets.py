from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
    TabbedInterface,
)
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import AudienceSegment, Persona
from .panels import BriefPanel


class PersonaViewSet(SnippetViewSet):
    model = Persona
    icon = "user"
    menu_label = _("Personas")
    menu_order = 100
    add_to_admin_menu = False
    list_display = [
        "name",
        "brand",
        "archetype",
        "positioning",
        UpdatedAtColumn(),
        LiveStatusTagColumn(),
    ]
    list_filter = ["archetype", "live"]
    # The search box goes through the Chinese-aware search backend (see search/).
    search_backend_name = "default"
    copy_view_enabled = False
    inspect_view_enabled = True

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("name", required_on_save=True),
                            FieldPanel("slug", required_on_save=True),
                        ]
                    ),
                    FieldRowPanel(
                        [
                            FieldPanel("brand", required_on_save=True),
                            FieldPanel("archetype", required_on_save=True),
                        ]
                    ),
                    FieldRowPanel([FieldPanel("industry"), FieldPanel("positioning")]),
                    FieldPanel("signature"),
                    FieldPanel("bio"),
                    FieldPanel("relationship"),
                    FieldRowPanel([FieldPanel("avatar"), FieldPanel("cover")]),
                ],
                heading=_("Profile"),
            ),
            ObjectList(
                [
                    FieldPanel("tone_words", help_text=_("One per line, e.g. 亲切, 专业, 不端着.")),
                    FieldPanel("address_terms", help_text=_("One per line, e.g. 宝子们, 姐妹们.")),
                    FieldPanel("catchphrases", help_text=_("One per line.")),
                    FieldRowPanel([FieldPanel("emoji_style"), FieldPanel("sign_off")]),
                    MultiFieldPanel(
                        [FieldPanel("do_examples"), FieldPanel("dont_examples")],
                        heading=_("Example lines"),
                    ),
                    FieldPanel(
                        "banned_words",
                        help_text=_(
                            "One per line. Scripts of this persona that use them cannot be "
                            "published."
                        ),
                    ),
                ],
                heading=_("Voice"),
            ),
            ObjectList(
                [
                    InlinePanel(
                        "channels",
                        heading=_("Channel accounts"),
                        label=_("Account"),
                        panels=[
                            FieldRowPanel([FieldPanel("channel"), FieldPanel("handle")]),
                            FieldRowPanel([FieldPanel("capacity"), FieldPanel("daily_post_limit")]),
                            FieldPanel("qr_code"),
                            FieldPanel("note"),
                        ],
                    )
                ],
                heading=_("Channels"),
            ),
            ObjectList([BriefPanel(heading=_("Brief"))], heading=_("Brief")),
            ObjectList([PublishingPanel()], heading=_("Publishing")),
        ]
    )


class AudienceSegmentViewSet(SnippetViewSet):
    model = AudienceSegment
    icon = "group"
    menu_label = _("Audience segments")
    menu_order = 200
    list_display = ["name", "slug", "description"]
    # The search box goes through the Chinese-aware search backend (see search/).
    search_backend_name = "default"
    sort_order_field = "sort_order"
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]


class PersonasGroup(SnippetViewSetGroup):
    menu_label = _("Personas")
    menu_icon = "user"
    menu_order = 200
    items = (PersonaViewSet, AudienceSegmentViewSet)
