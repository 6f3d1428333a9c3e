from django.contrib import messages
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from core.fields import cleaning_notices

from .viewsets import PersonasGroup

register_snippet(PersonasGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def report_cleaned_lists(request, instance):
    """Say what was removed from pasted lists (blank lines, repeats) of any snippet."""
    if request.accepts("text/html"):
        for notice in cleaning_notices(instance):
            messages.info(request, notice)
