"""One search plan: a query analysed once, and the matching rules every backend compiles.

`plan_for(text)` analyses a query (search.analysis: normalisation, jieba words, CJK bigrams,
cut to MAX_QUERY_CHARS and MAX_QUERY_TERMS) into a `SearchPlan`, cached per process, so one
search — the backend's query, its typo fallback, the re-ranking in search.query and every
hit's highlight — segments the query once. The rules, the same for every backend:

* **match** ("and"): every CJK bigram and every latin/digit word of the query is required,
  each in any searched field; the query's jieba words that are not bigrams already (会员日,
  双十一) are optional: they only add score where a backend can rank by them (Whoosh);
* **any** ("or" operator): any of the query's tokens;
* **fallback**: when the match finds nothing and the query has two bigrams or more, any of its
  bigrams (typo tolerance: 冻干面摸 still finds 冻干面膜); the other tokens are optional;
* **prefix**: a one-character CJK query (燕) matches the indexed tokens starting with it
  (燕窝, 燕麦), since documents hold bigrams, not single characters;
* a query that analysis reduces to nothing (punctuation, emoji) finds nothing.

Backends compile `SearchPlan.clauses()` into their own query language
(search/backends/database.py: FTS5 / tsquery; search/backends/whoosh_compiler.py: posting lists).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cached_property

from . import analysis

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Distinct query texts whose plans are kept per process.
CACHE_SIZE = 512


def is_cjk(token: str) -> bool:
    return bool(_CJK.search(token))


@dataclass(frozen=True)
class Clauses:
    """What a document must hold: every `required` token (or any of them if `any_of`);
    `optional` tokens only add score. `prefix` tokens match indexed tokens starting with them."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    any_of: bool
    prefix: frozenset[str]


@dataclass(frozen=True)
class SearchPlan:
    """A query's analysis: its jieba `words` and CJK `grams`, distinct, in order."""

    words: tuple[str, ...]
    grams: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """Nothing to look for (punctuation, emoji): the search finds nothing."""
        return not self.words and not self.grams

    @cached_property
    def latin(self) -> tuple[str, ...]:
        """The latin/digit words (required, like bigrams)."""
        return tuple(w for w in self.words if not is_cjk(w))

    @cached_property
    def extra_words(self) -> tuple[str, ...]:
        """The CJK words that are not bigrams already (optional: they rank)."""
        grams = set(self.grams)
        return tuple(w for w in self.words if is_cjk(w) and w not in grams)

    @cached_property
    def prefix(self) -> str | None:
        """The one character of a one-character CJK query, matched as a prefix."""
        return self.grams[0] if len(self.grams) == 1 and len(self.grams[0]) == 1 else None

    @property
    def required(self) -> tuple[str, ...]:
        """The tokens a match must hold: every bigram and every latin word."""
        return tuple(dict.fromkeys(self.grams + self.latin))

    @property
    def any_tokens(self) -> tuple[str, ...]:
        """Every token of the query, for the "or" operator."""
        return tuple(dict.fromkeys(self.words + self.grams))

    @property
    def has_fallback(self) -> bool:
        """Whether a query that matched nothing is tried again with any of its bigrams."""
        return len(self.grams) >= 2

    @cached_property
    def terms(self) -> tuple[str, ...]:
        """Every token, longest first (what a highlight marks)."""
        return tuple(sorted({t for t in self.words + self.grams if t}, key=len, reverse=True))

    def clauses(self, operator: str = "and", *, fallback: bool = False) -> Clauses | None:
        """The match (or, with `fallback`, the typo fallback) for `operator`; None when it
        cannot match anything (no tokens; no fallback for fewer than two bigrams)."""
        if self.empty or (fallback and not self.has_fallback):
            return None
        prefix = frozenset([self.prefix] if self.prefix else [])
        if operator.lower() == "or":
            tokens = tuple(dict.fromkeys(self.grams + self.latin + self.extra_words))
            return Clauses(tokens, (), True, prefix)
        if fallback:
            return Clauses(self.grams, self.extra_words + self.latin, True, frozenset())
        return Clauses(self.required, self.extra_words, False, prefix)

    def in_title(self, title: str) -> tuple[bool, bool]:
        """(every word in the title, every bigram in the title) — for re-ranking."""
        folded = analysis.normalise(title)
        whole = bool(self.words) and all(word in folded for word in self.words)
        partial = all(gram in folded for gram in self.grams) if self.grams else whole
        return whole, partial

    def matches(self, text: str) -> bool:
        """Whether `text` holds any of the query's tokens."""
        folded = analysis.normalise(text)
        return any(token in folded for token in self.words + self.grams)


def analyse(text: str) -> SearchPlan:
    """The plan of `text`, analysed now (see plan_for)."""
    words, grams = analysis.query_tokens(text)
    return SearchPlan(tuple(words), tuple(grams))


_cache: dict[tuple[str, int], SearchPlan] = {}
_cache_lock = threading.Lock()


def plan_for(text: str | None) -> SearchPlan:
    """The plan of a query text, analysed once per process (and again when the dictionary
    learns new words: analysis.dictionary_generation())."""
    key = ((text or "")[: analysis.MAX_QUERY_CHARS], analysis.dictionary_generation())
    plan = _cache.get(key)
    if plan is None:
        plan = analyse(key[0])
        with _cache_lock:
            if len(_cache) >= CACHE_SIZE:
                _cache.clear()
            _cache[key] = plan
    return plan
