from wagtail.admin.panels import Panel

from .lint import lint, where_label


class LintPanel(Panel):
    """The voice and compliance findings for the revision being edited."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "content/panels/lint.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            saved = bool(self.instance.pk) and bool(self.instance.persona_id)
            findings = lint(self.instance) if saved else []
            context["saved"] = saved
            context["findings"] = [
                {"finding": finding, "where": where_label(finding.where)} for finding in findings
            ]
            context["error_count"] = sum(1 for f in findings if f.is_error)
            context["warning_count"] = len(findings) - context["error_count"]
            return context
