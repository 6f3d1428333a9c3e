from django.urls import path
from wagtail import hooks

from core import roles
from editorial_calendar.workflow import can_review

from .panels import (
    CopywriterPanel,
    FatiguePanel,
    GapsPanel,
    PerformancePanel,
    ReviewQueuePanel,
)
from .views import ApproveWeekView, ReviewItemView


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("cockpit/review/", ReviewItemView.as_view(), name="cockpit_review"),
        path("cockpit/week/", ApproveWeekView.as_view(), name="cockpit_approve_week"),
    ]


def _in_group(user, name: str) -> bool:
    return user.groups.filter(name=name).exists()


@hooks.register("construct_homepage_panels", order=1000)
def home_panels(request, panels):
    """Managers (and anyone who reviews the calendar) get the cockpit instead of Wagtail's
    moderation/recent-edit panels; copywriters get their home. Superusers keep Wagtail's panels
    below the cockpit."""
    user = request.user
    ours = []
    if can_review(user):
        ours = [ReviewQueuePanel(request), GapsPanel(), FatiguePanel(), PerformancePanel(request)]
    elif _in_group(user, roles.COPYWRITERS):
        ours = [CopywriterPanel(request)]
    if not ours:
        return
    if not user.is_superuser:
        panels.clear()
    else:
        for panel in panels:
            panel.order = max(panel.order, 100) + 100
    panels[:0] = ours


@hooks.register("construct_homepage_summary_items", order=1000)  # after the apps adding items
def hide_site_summary(request, summary_items):
    """Wagtail's "34 Images / 1 Page" summary means nothing to our roles: superusers keep it."""
    if not request.user.is_superuser:
        summary_items.clear()
