"""Admin panels shared by several apps."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from wagtail.admin.panels import Panel


class TotalsPanel(Panel):
    """Read-only counts, e.g. what bots reported about a script (数据反哺).
    `totals(instance)` returns [(label, number), ...]."""

    def __init__(self, totals: Callable | None = None, **kwargs):
        super().__init__(**kwargs)
        self.totals = totals

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "totals": self.totals}

    class BoundPanel(Panel.BoundPanel):
        def render_html(self, parent_context=None):
            rows = self.panel.totals(self.instance) if self.instance.pk else []
            if not any(number for _label, number in rows):
                return format_html("<p>{}</p>", _("Nothing reported by bots yet."))
            items = format_html_join(
                "", "<li><strong>{}</strong> {}</li>", ((label, n) for label, n in rows)
            )
            return format_html('<ul class="w-flex w-gap-4" style="list-style:none">{}</ul>', items)
