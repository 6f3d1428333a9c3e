"""The home page panels: the manager's cockpit (待审核, 缺口, 疲劳, 效果) and the copywriter's home.
Each panel asks the owning app's functions for its data (a fixed number of queries)."""

from __future__ import annotations

from datetime import timedelta

from django.forms import Media
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from editorial_calendar import gaps, planning

from . import copywriter, performance, queue

FATIGUE_DAYS = 14
LEVEL_LABELS = {
    "ok": _("No findings"),
    "warning": _("Warnings"),
    "error": _("Compliance errors"),
    "stale": _("Not checked with the current rules"),
    "": _("Not checked yet"),
}
CSS = Media(css={"all": ["cockpit/cockpit.css"]})
PAGE_PARAMETER = "queue_page"


def level_label(level: str) -> str:
    return str(LEVEL_LABELS.get(level, LEVEL_LABELS[""]))


class ReviewQueuePanel(Component):
    name = "cockpit_review"
    order = 10
    template_name = "cockpit/review_queue.html"
    media = CSS

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        data = queue.build(queue.SHOWN, self._page())
        if data.page > data.pages:  # past the end (items were approved meanwhile): the last
            data = queue.build(queue.SHOWN, data.pages)
        for item in data.items:
            item.level_label = level_label(item.level)
        context.update(
            csrf_token=get_token(self.request),  # components render without the request
            queue=data,
            next=self.request.get_full_path(),
            request=self.request,
        )
        return context

    def _page(self) -> int:
        raw = self.request.GET.get(PAGE_PARAMETER, "1")
        return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


class GapsPanel(Component):
    name = "cockpit_gaps"
    order = 20
    template_name = "cockpit/gaps.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["topics"] = gaps.upcoming(timezone.localdate())
        context["horizon"] = gaps.GAP_HORIZON_DAYS
        return context


class FatiguePanel(Component):
    name = "cockpit_fatigue"
    order = 30
    template_name = "cockpit/fatigue.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        today = timezone.localdate()
        context["days"] = planning.fatigue(today, today + timedelta(days=FATIGUE_DAYS - 1))
        context["span"] = FATIGUE_DAYS
        return context


class PerformancePanel(Component):
    name = "cockpit_performance"
    order = 40
    template_name = "cockpit/performance.html"
    media = Media(
        css={"all": ["cockpit/cockpit.css"]},
        js=["cockpit/vendor/plotly.min.js", "cockpit/charts.js"],
    )

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        try:
            days = int(self.request.GET.get("days", performance.PERIODS[0]))
        except ValueError:
            days = performance.PERIODS[0]
        if days not in performance.PERIODS:
            days = performance.PERIODS[0]
        data = performance.summary(days)
        context.update(
            data=data,
            charts=performance.chart_data(data),
            periods=performance.PERIODS,
        )
        return context


class CopywriterPanel(Component):
    name = "cockpit_copywriter"
    order = 10
    template_name = "cockpit/copywriter.html"
    media = CSS

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = self.request.user
        drafts = copywriter.drafts(user)
        for script in drafts:
            script.level_label = level_label(script.level)
        context.update(
            drafts=drafts,
            sent_back=copywriter.sent_back(user),
            due=copywriter.due_without_script(user),
            due_days=copywriter.DUE_DAYS,
        )
        return context
