from wagtail.admin.panels import Panel

from .brief import build_brief


class BriefPanel(Panel):
    """Read-only: the persona brief as it stands in the revision being edited."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "personas/panels/brief.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["brief"] = build_brief(self.instance) if self.instance.pk else ""
            return context
