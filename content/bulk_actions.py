"""Publish several scripts from the listing: each one passes the compliance gate or is refused
(named, with its findings); the others are published."""

from __future__ import annotations

from django.utils.functional import classproperty
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from .gates import ComplianceBlocked, blocking, summary


class PublishScriptsBulkAction(SnippetBulkAction):
    display_name = gettext_lazy("Publish")
    action_type = "publish_scripts"
    aria_label = gettext_lazy("Publish the selected scripts")
    template_name = "content/bulk_actions/confirm_bulk_publish.html"
    action_priority = 20

    @classproperty
    def models(cls):
        from .models import ChatScript, GroupScript, LivestreamScript, MomentScript

        return [MomentScript, GroupScript, LivestreamScript, ChatScript]

    def check_perm(self, script):
        return self.permission_policy.user_has_permission(self.request.user, "publish")

    def object_context(self, script):
        context = super().object_context(script)
        latest = script.get_latest_revision_as_object()
        context["blocking"] = blocking(latest) if latest is not None else []
        return context

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        action = kwargs["self"]
        action.refused = []
        published = 0
        for script in objects:
            revision = script.get_latest_revision()
            if revision is None:
                continue
            found = blocking(revision.as_object())
            if found:
                action.refused.append((script, summary(found)))
                continue
            try:
                revision.publish(user=user)
            except ComplianceBlocked as refused:
                action.refused.append((script, str(refused)))
                continue
            published += 1
        return published, 0

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    def get_success_message(self, num_parent_objects, num_child_objects):
        for script, reason in getattr(self, "refused", []):
            messages.error(
                self.request,
                _("“%(title)s” was not published: %(reason)s")
                % {"title": script, "reason": reason},
            )
        if not num_parent_objects:
            return None
        return _("%(count)d script(s) published.") % {"count": num_parent_objects}
