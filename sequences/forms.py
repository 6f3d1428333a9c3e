"""The sequence editor's form: the publish gate shown as form errors, not a server error."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from .checks import publish_problems

# Buttons that publish or put a sequence in front of a reviewer.
GATED_ACTIONS = ("action-publish", "action-submit", "action-workflow-action")


class SequenceForm(WagtailAdminModelForm):
    @property
    def is_gated_action(self) -> bool:
        return any(action in self.data for action in GATED_ACTIONS)

    def _post_clean(self):
        super()._post_clean()
        if not self.is_gated_action or self.errors:
            return
        for problem in publish_problems(self.instance):
            self.add_error(None, _("Cannot publish or submit: %(problem)s") % {"problem": problem})
