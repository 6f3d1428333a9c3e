from wagtail.snippets.models import register_snippet

from .viewsets import ScriptsGroup

register_snippet(ScriptsGroup)
