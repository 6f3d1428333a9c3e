from django import forms
from django.contrib.admin.utils import quote
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm

from .gates import blocking
from .lint import where_label

# Buttons that publish or put a script in front of a reviewer: lint errors block them.
GATED_ACTIONS = ("action-publish", "action-submit", "action-workflow-action")


def hot_topic_choices() -> list[tuple[str, str]]:
    """Hot topics offered in the script editor.

    The calendar app owns hot topics; it contributes them through the
    ``content_hot_topic_choices`` hook (a function returning ``[(slug, label), ...]``), so this
    app does not import it.
    """
    choices: list[tuple[str, str]] = []
    for fn in hooks.get_hooks("content_hot_topic_choices"):
        choices.extend(fn())
    return choices


class ScriptForm(WagtailAdminModelForm):
    class Media:
        js = ["content/live_findings.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "title" in self.fields and (url := self.live_findings_url()):
            self.fields["title"].widget.attrs["data-live-findings-url"] = url
        if "hot_topic" in self.fields:
            current = self.instance.hot_topic
            choices = hot_topic_choices()
            if current and current not in dict(choices):
                choices.append((current, current))
            self.fields["hot_topic"] = forms.ChoiceField(
                label=self.fields["hot_topic"].label,
                help_text=self.fields["hot_topic"].help_text,
                choices=[("", "---------")] + choices,
                required=False,
            )

    def live_findings_url(self) -> str:
        """Where the editor posts its unsaved content for findings while typing."""
        viewset = getattr(self.instance, "snippet_viewset", None)
        if viewset is None:
            return ""
        try:
            if self.instance.pk:
                return reverse(
                    viewset.get_url_name("live_findings"), args=[quote(self.instance.pk)]
                )
            return reverse(viewset.get_url_name("live_findings_new"))
        except NoReverseMatch:
            return ""

    @property
    def is_gated_action(self) -> bool:
        return any(action in self.data for action in GATED_ACTIONS)

    def _post_clean(self):
        super()._post_clean()
        if not self.is_gated_action or self.errors:
            return
        for finding in blocking(self.instance):
            place = where_label(finding.where)
            self.add_error(
                None,
                _("Cannot publish or submit: %(message)s (%(where)s)")
                % {"message": finding.message, "where": place or "-"},
            )
