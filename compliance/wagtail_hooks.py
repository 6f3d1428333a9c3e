from wagtail.snippets.models import register_snippet

from .viewsets import ComplianceGroup

register_snippet(ComplianceGroup)
