"""Scripts: one table, four kinds.

``Script`` holds every kind's fields; ``MomentScript``, ``GroupScript``, ``LivestreamScript``
and ``ChatScript`` are proxy models, each with its own editor, preview, permissions and
moderation workflow (Wagtail resolves revisions and workflows per proxy content type). One table
gives every script one id across kinds, which the delivery API relies on
(``/api/v1/scripts/{id}/``), and lets search, usage totals and the calendar refer to any script.

Modules: ``script`` (Script and its queryset), ``kinds`` (the proxies), ``tags``, ``usage``
(bot-reported totals), ``lint_terms`` (the global lint list). Every model is importable from
``content.models``, as migrations and the other apps expect.
"""

from .import_job import ImportJob
from .kinds import KIND_MODELS, ChatScript, GroupScript, KindManager, LivestreamScript, MomentScript
from .script import Script, ScriptQuerySet
from .tags import ScriptTag
from .usage import ScriptUsage, UsageCounters

__all__ = [
    "KIND_MODELS",
    "ImportJob",
    "ChatScript",
    "GroupScript",
    "KindManager",
    "LivestreamScript",
    "MomentScript",
    "Script",
    "ScriptQuerySet",
    "ScriptTag",
    "ScriptUsage",
    "UsageCounters",
]
