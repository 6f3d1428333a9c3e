from wagtail.snippets.models import register_snippet

from .viewsets import PersonasGroup

register_snippet(PersonasGroup)
