"""The compliance engine: `check(text, persona=, channel=)` → Report.

The one implementation every path calls: the script lint (editor, import, approval gates), the
delivery API's `POST /compliance/check` and any future consumer (MCP). It knows nothing of
scripts: callers pass one text at a time and map the findings to their own places.

The matching below is the interim one (persona banned words + the global term list as plain
substrings); issue 12 replaces it with rules as data and normalised Aho–Corasick matching behind
the same interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext as _

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Hit:
    """One finding in one text. `start`/`end` are character offsets in the text as given."""

    rule: str
    level: str
    start: int
    end: int
    match: str
    message: str
    citation: str = ""
    suggestions: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


@dataclass(frozen=True)
class Report:
    ok: bool
    rule_version: str
    findings: list[Hit] = field(default_factory=list)


def rule_version() -> str:
    return "interim"


def _occurrences(text: str, term: str, allowed_in: list[str]) -> list[int]:
    """Start offsets of `term` in `text` that are not inside one of the allowed words."""
    hits = []
    start = text.find(term)
    while start != -1:
        inside_allowed = False
        for word in allowed_in:
            offset = word.find(term)
            while offset != -1:
                if text.startswith(word, start - offset):
                    inside_allowed = True
                    break
                offset = word.find(term, offset + 1)
            if inside_allowed:
                break
        if not inside_allowed:
            hits.append(start)
        start = text.find(term, start + 1)
    return hits


def _global_terms():
    LintTerm = apps.get_model("content", "LintTerm")  # interim: rules move into this app
    return list(
        LintTerm.objects.filter(active=True).values_list(
            "term", "level", "category", "allowed_in", "note"
        )
    )


def check(text: str, *, persona=None, channel: str | None = None, terms=None) -> Report:
    """Findings for one text, errors first, in text order within a level."""
    terms = _global_terms() if terms is None else terms
    LintCategory = apps.get_model("content", "LintTerm")._meta.get_field("category").choices
    categories = dict(LintCategory)
    findings: list[Hit] = []
    for word in persona.banned_words if persona else []:
        message = _("“%(term)s” is on %(persona)s's banned-word list.") % {
            "term": word,
            "persona": persona.name,
        }
        for start in _occurrences(text, word, []):
            findings.append(Hit("persona_banned", ERROR, start, start + len(word), word, message))
    for term, level, category, allowed, note in terms:
        message = _("“%(term)s”: %(category)s.") % {
            "term": term,
            "category": categories.get(category, ""),
        }
        if note:
            message += f" {note}"
        for start in _occurrences(text, term, allowed or []):
            findings.append(Hit(f"term_{category}", level, start, start + len(term), term, message))
    findings.sort(key=lambda hit: (hit.level != ERROR, hit.start))
    return Report(
        ok=not any(hit.is_error for hit in findings),
        rule_version=rule_version(),
        findings=findings,
    )
