"""Voice and compliance lint for scripts.

`lint(script)` returns findings: errors (persona banned words, compliance rules of level error)
block publishing and submitting; warnings (channel limits, persona consistency, rules of level
warning) do not. Scripts are private-domain text, so they are checked as WeChat text (no
channel); the persona's industry picks the rule packs (compliance.engine). Used by the editor
(form validation and the findings panel), the importer and the API alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from compliance import engine
from compliance.models import text_hash

from . import messages as msgs
from . import variables as vars_
from .enums import TEXT_FOLD_LENGTH, LintLevel

ERROR = LintLevel.ERROR.value
WARNING = LintLevel.WARNING.value
CONTEXT_CHARS = 12


@dataclass(frozen=True)
class Finding:
    level: str
    code: str
    message: str
    where: str = ""
    term: str = ""
    excerpt: str = field(default="", compare=False)
    start: int | None = field(default=None, compare=False)
    end: int | None = field(default=None, compare=False)
    citation: str = field(default="", compare=False)
    suggestions: tuple[str, ...] = field(default=(), compare=False)
    # The hash of the whole text the finding is in (compliance.models.text_hash), and the
    # manager's override that accepted it on exactly that text (content.gates sets it).
    text_hash: str = field(default="", compare=False)
    accepted: object = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    @property
    def blocks(self) -> bool:
        """An error nobody accepted: it blocks submitting, approving and publishing."""
        return self.is_error and self.accepted is None

    def excerpt_html(self) -> SafeString:
        """The excerpt, HTML-escaped, with the offending term wrapped in <mark>."""
        if not self.term or not self.excerpt:
            return escape(self.excerpt)
        parts = [escape(part) for part in self.excerpt.split(self.term)]
        return mark_safe(f"<mark>{escape(self.term)}</mark>".join(parts))  # noqa: S308

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "where": self.where,
            "term": self.term,
            "excerpt": self.excerpt,
        }


def _excerpt(text: str, start: int, length: int) -> str:
    lo = max(0, start - CONTEXT_CHARS)
    hi = min(len(text), start + length + CONTEXT_CHARS)
    return ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")


def where_label(where: str) -> str:
    """A person-readable place: 'messages.2.title' → '第 3 条消息（标题）'."""
    parts = where.split(".")
    if parts[0] == "messages" and len(parts) > 1:
        label = _("message %(n)d") % {"n": int(parts[1]) + 1}
        return label + (f" · {parts[2]}" if len(parts) > 2 else "")
    if parts[0] == "segments" and len(parts) > 1:
        label = _("segment %(n)d") % {"n": int(parts[1]) + 1}
        if len(parts) > 3:
            label += " · " + _("line %(n)d") % {"n": int(parts[3]) + 1}
        elif len(parts) > 2:
            label += " · " + _("cue")
        return label
    if where == "first_comment":
        return _("first comment")
    if parts[0] == vars_.DEFAULTS and len(parts) == 3:
        return _("default of variable %(name)s") % {"name": parts[1]}
    return where


def lint(script) -> list[Finding]:
    """All findings for `script`, errors first.

    The compliance findings of each text come from `compliance.engine.check` (the one engine);
    length and persona-voice checks are about scripts and stay here.
    """
    texts = list(script.iter_texts())
    findings: list[Finding] = []
    persona = script.persona if script.persona_id else None
    for where, text in texts:
        report = engine.check(text, persona=persona)
        digest = text_hash(text) if report.findings else ""
        for hit in report.findings:
            findings.append(
                Finding(
                    hit.level,
                    hit.rule,
                    hit.message,
                    where,
                    hit.match,
                    _excerpt(text, hit.start, hit.end - hit.start),
                    start=hit.start,
                    end=hit.end,
                    citation=hit.citation,
                    suggestions=hit.suggestions,
                    text_hash=digest,
                )
            )

    for where in msgs.gone(script.messages):
        findings.append(Finding(ERROR, "media_missing", _(
            "Its image was deleted from the library: bots skip this message. Choose another "
            "image or remove the message."
        ), where))  # fmt: skip

    fold = TEXT_FOLD_LENGTH.get(script.kind)
    if fold:
        for where, text in texts:
            if len(text) > fold:
                findings.append(
                    Finding(
                        WARNING,
                        "text_too_long",
                        _(
                            "%(length)d characters: longer than %(limit)d, this text is folded "
                            "or hard to read on a phone."
                        )
                        % {"length": len(text), "limit": fold},
                        where,
                        excerpt=text[: CONTEXT_CHARS * 2] + "…",
                    )
                )

    if persona and (persona.address_terms or persona.catchphrases) and texts:
        joined = "\n".join(text for _where, text in texts)
        voice = list(persona.address_terms) + list(persona.catchphrases)
        if not any(word in joined for word in voice):
            findings.append(
                Finding(
                    WARNING,
                    "persona_voice",
                    _(
                        "Uses none of %(persona)s's forms of address or catchphrases "
                        "(%(examples)s): does it sound like the persona?"
                    )
                    % {"persona": persona.name, "examples": "、".join(voice[:4])},
                )
            )
    return sorted(findings, key=lambda f: (f.level != ERROR,))


def errors(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.is_error]
