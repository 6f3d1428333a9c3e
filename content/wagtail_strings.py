"""Wagtail's own messages that its zh_Hans catalogue lacks (8.0.1), seen by every editor of a
script. Listed here only so that `makemessages` keeps them in our catalogue."""

from django.utils.translation import gettext_noop

WAGTAIL_MESSAGES = (
    gettext_noop("%(model_name)s '%(object)s' updated and published."),
    gettext_noop("%(model_name)s '%(object)s' created and published."),
    gettext_noop("%(model_name)s '%(object)s' has been submitted for moderation."),
    gettext_noop("%(model_name)s '%(object)s' created and submitted for moderation."),
    gettext_noop("%(model_name)s '%(object)s' has been scheduled for publishing."),
)
