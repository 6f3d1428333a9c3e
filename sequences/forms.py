"""The sequence editor's form: submitting, publishing and workflow actions are refused while a
step has a blocking finding (the same `checks.publish_problems` ``before_publish`` runs)."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from content.forms import GATED_ACTIONS

from .checks import publish_problems


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
