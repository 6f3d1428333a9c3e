from django import forms
from django.contrib.admin.utils import quote
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from wagtail import blocks, hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.blocks import BlockField

from . import messages as msgs
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

        if "external_id" in self.fields:
            self._external_id_field()
        if "messages" in self.fields:
            self._block_menu_for_kind()

    def _block_menu_for_kind(self) -> None:
        """Offer only the message types this kind can hold (a moment: no delay, no file)."""
        field = self.fields["messages"]
        kind = self.instance.kind or getattr(self.instance, "KIND", "")
        allowed = msgs.types_for(kind)
        children = field.block.child_blocks
        if list(children) == allowed:
            return
        block = blocks.StreamBlock(
            [(name, children[name]) for name in allowed], required=field.block.required
        )
        block.set_name(field.block.name)
        self.fields["messages"] = BlockField(
            block=block, label=field.label, help_text=field.help_text, required=field.required
        )

    def _external_id_field(self) -> None:
        """The key import and export match on: shown, editable until the script is first
        published (bots and files out there may hold it from then on), never empty."""
        field = self.fields["external_id"]
        instance = self.instance
        if instance.pk and not instance.external_id:  # a revision from before keys existed
            stored = (
                type(instance).objects.filter(pk=instance.pk).values_list("external_id", flat=True)
            )
            self.initial["external_id"] = next(iter(stored), None)
        if instance.pk and instance.first_published_at:
            field.disabled = True
            field.help_text = _(
                "The script's key in import and export files. It cannot change once the script "
                "has been published."
            )
        elif not instance.pk:
            field.help_text = _(
                "The script's key in import and export files. Leave it empty to have one "
                "generated; it can be changed until the script is first published."
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
