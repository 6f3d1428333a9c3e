from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import SequenceViewSet, script_chooser_viewset

register_snippet(SequenceViewSet)


@hooks.register("register_admin_viewset")
def register_script_chooser():
    return script_chooser_viewset


from . import admin_blocks  # noqa: E402,F401  (the step block's editor header)
