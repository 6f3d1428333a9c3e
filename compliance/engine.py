"""The compliance engine: `check(text, persona=, channel=)` → Report.

The one implementation every path calls: the script lint (editor, import, approval gates), the
delivery API's `POST /compliance/check` and any future consumer (MCP). It knows nothing of
scripts: callers pass one text at a time and map the findings to their own places.

Rules are data (models.Rule in packs); the whole active rule set is compiled into one
Aho–Corasick matcher per rule-set version (matcher.Matcher), cached in the process and replaced
when the version read from the database changes. Which packs apply is the profile: the
persona's industry and the channel (profiles.applies). A persona's banned words always apply.
Overlapping findings are reduced to one per phrase: errors before warnings, then the longest.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _

from . import versions
from .enums import DEFAULT_CHANNEL, WECHAT_FAMILY
from .matcher import Candidate, Matcher, RuleSpec
from .normalise import fold

ERROR = "error"
WARNING = "warning"
PERSONA_BANNED = "persona_banned"


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
    title: str = ""
    pack: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


@dataclass(frozen=True)
class Report:
    ok: bool
    rule_version: str
    findings: list[Hit] = field(default_factory=list)


# Compiled rule set -------------------------------------------------------------------------------
@dataclass
class Compiled:
    number: int
    matcher: Matcher
    profiles: dict = field(default_factory=dict)  # (industry, channel) → frozenset of rules

    def rules_for(self, industry: str | None, channel: str | None) -> frozenset[int]:
        key = (industry, channel)
        rules = self.profiles.get(key)
        if rules is None:
            rules = frozenset(
                index
                for index, spec in enumerate(self.matcher.specs)
                if applies(spec, industry, channel)
            )
            self.profiles[key] = rules
        return rules


def applies(spec: RuleSpec, industry: str | None, channel: str | None) -> bool:
    """A pack applies to an industry it lists (or any, when it lists none; a persona of the
    general industry or no persona gets every pack) and to a channel it lists (or any, when it
    lists none). No channel means WeChat: the private domain this product serves."""
    if (
        spec.industries
        and industry not in (None, "", "general")
        and industry not in spec.industries
    ):
        return False
    channel = channel or DEFAULT_CHANNEL
    return not spec.channels or channel in spec.channels


_lock = threading.Lock()
_compiled: Compiled | None = None


def _load_specs() -> list[RuleSpec]:
    from .models import Rule

    rules = Rule.objects.filter(active=True, pack__active=True).select_related("pack")
    return [
        RuleSpec(
            code=rule.code,
            level=rule.level,
            title=rule.title,
            terms=tuple(rule.terms),
            partners=tuple(rule.partners),
            together=rule.kind == "together",
            window=rule.window,
            allowed=tuple(rule.allowed),
            exceptions=tuple(rule.exceptions),
            sounds_alike=rule.sounds_alike,
            citation=rule.citation,
            explanation=rule.explanation,
            suggestions=tuple(rule.suggestions),
            pack=rule.pack.code,
            industries=frozenset(rule.pack.industries or ()),
            channels=frozenset(rule.pack.channels or ()),
        )
        for rule in rules.order_by("pk")
    ]


def compiled() -> Compiled:
    """The matcher for the current rule-set version (compiled at most once per version)."""
    global _compiled
    number = versions.current()
    current = _compiled
    if current is not None and current.number == number:
        return current
    with _lock:
        if _compiled is None or _compiled.number != number:
            _compiled = Compiled(number, Matcher(_load_specs()))
        return _compiled


def rule_version() -> str:
    return versions.label(versions.current())


@lru_cache(maxsize=256)
def _persona_matcher(words: tuple[str, ...]) -> Matcher:
    return Matcher([RuleSpec(code=PERSONA_BANNED, level=ERROR, terms=words)])


# The check -----------------------------------------------------------------------------------
def _hits(text, folded, matcher: Matcher, candidates: list[Candidate], message_for) -> list[Hit]:
    hits = []
    for candidate in candidates:
        spec = matcher.specs[candidate.rule]
        start, end = folded.span(candidate.start, candidate.end)
        match = text[start:end]
        hits.append(
            Hit(
                rule=spec.code,
                level=spec.level,
                start=start,
                end=end,
                match=match,
                message=message_for(spec, match),
                citation=spec.citation,
                suggestions=spec.suggestions,
                title=spec.title,
                pack=spec.pack,
            )
        )
    return hits


def _rule_message(spec: RuleSpec, match: str) -> str:
    head = f"“{match}”：{spec.title}" if spec.title else f"“{match}”"
    return f"{head}。{spec.explanation}" if spec.explanation else head


def one_per_phrase(hits: list[Hit]) -> list[Hit]:
    """Overlapping findings → the most severe, then the longest wins (a persona's own banned
    word before a rule of the same length, then the earliest)."""
    ranked = sorted(
        hits,
        key=lambda h: (
            h.level != ERROR,
            h.start - h.end,
            h.rule != PERSONA_BANNED,
            h.start,
            h.rule,
        ),
    )
    kept: list[Hit] = []
    taken: set[int] = set()  # character offsets already in a kept finding
    for hit in ranked:
        span = range(hit.start, hit.end)
        if any(index in taken for index in span):
            continue
        kept.append(hit)
        taken.update(span)
    kept.sort(key=lambda hit: (hit.level != ERROR, hit.start))
    return kept


def check(text: str, *, persona=None, channel: str | None = None) -> Report:
    """Findings for one text, errors first, in text order within a level."""
    rules = compiled()
    version = versions.label(rules.number)
    if not text:
        return Report(ok=True, rule_version=version, findings=[])
    folded = fold(text)
    industry = getattr(persona, "industry", None) if persona is not None else None
    hits = _hits(
        text,
        folded,
        rules.matcher,
        rules.matcher.scan(folded, rules.rules_for(industry, channel)),
        _rule_message,
    )
    words = tuple(word for word in (persona.banned_words if persona else []) or [] if word)
    if words:
        matcher = _persona_matcher(words)

        def persona_message(spec, match, name=persona.name):
            return _("“%(term)s” is on %(persona)s's banned-word list.") % {
                "term": match,
                "persona": name,
            }

        hits += _hits(text, folded, matcher, matcher.scan(folded), persona_message)
    findings = one_per_phrase(hits)
    return Report(
        ok=not any(hit.is_error for hit in findings), rule_version=version, findings=findings
    )


__all__ = ["ERROR", "WARNING", "WECHAT_FAMILY", "Hit", "Report", "check", "rule_version"]
