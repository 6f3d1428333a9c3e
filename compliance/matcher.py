"""One Aho–Corasick automaton for a whole rule set, and the pass that turns its matches into
candidate findings.

Every word of every rule is folded (normalise.fold_term) and added once; words of Chinese
characters are also added in pinyin. A check folds the text, runs the automaton over it once
(and over its pinyin spelling when the text has Latin letters, and around line breaks without
them, for words split across lines: 集⏎赞), then works only on the matches:
"A*B" words (A then B, at most GAP characters apart in one sentence), "together" rules (a word
of each list within the rule's window in one sentence), allowed words and exception patterns.
The cost grows with the length of the text and the number of matches, not with the rules.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

import ahocorasick

from .normalise import QUESTION, SENTENCE_END, Folded, fold_term, pinyin_of, sounds

GAP = 6
EXCEPTION_REACH = 40  # folded characters around a finding that exception patterns see
SOUND_REACH = 8  # folded characters around a Latin run that may belong to a pinyin match
TERM, GROUP, PART, ALLOW = range(4)
_ENDS = re.compile(f"[{SENTENCE_END}{QUESTION}]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_RUN = re.compile("[a-z]+")


@dataclass(frozen=True)
class RuleSpec:
    """What the matcher needs of a rule (a Rule row, or a persona's banned words)."""

    code: str
    level: str
    title: str = ""
    terms: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    together: bool = False
    window: int = 20
    allowed: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    sounds_alike: bool = True
    citation: str = ""
    explanation: str = ""
    suggestions: tuple[str, ...] = ()
    pack: str = ""
    industries: frozenset[str] = field(default_factory=frozenset)
    channels: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Candidate:
    rule: int  # index into Matcher.specs
    start: int  # folded offsets
    end: int


class Covers:
    """Spans of allowed words of one rule; covers(a, b): is [a, b) inside one of them."""

    __slots__ = ("longest", "reach")

    def __init__(self):
        self.reach: dict[int, int] = {}  # start → the furthest end of a span starting there
        self.longest = 0

    def add(self, start: int, end: int) -> None:
        self.reach[start] = max(self.reach.get(start, 0), end)
        self.longest = max(self.longest, end - start)

    def covers(self, start: int, end: int) -> bool:
        reach = self.reach
        return any(
            reach.get(left, -1) >= end for left in range(start, start - self.longest - 1, -1)
        )


def _is_latin(char: str) -> bool:
    return "a" <= char <= "z"


_DIGITS = frozenset("零一二三四五六七八九")  # digits as folded (1, １, 一, 壹 …)
_TENS = frozenset("十百千万亿")


def _decimal(folded: Folded, index: int) -> bool:
    """Whether folded character `index` was written as a digit (1, １), not as 一 or 壹."""
    return folded.original[folded.origin[index]].isdecimal()


class Matcher:
    def __init__(self, specs: list[RuleSpec]):
        self.specs = specs
        self.exceptions = [[re.compile(p) for p in spec.exceptions] for spec in specs]
        self.gap_words: list[tuple[int, int, int]] = []  # (rule, group, number of parts)
        entries: dict[str, list[tuple]] = defaultdict(list)

        def add(key: str, kind: int, rule: int, group: int = 0, gap=-1, part=0, sound=False):
            single = sound and len(_CJK.findall(key_source)) == 1
            entries[key].append((kind, rule, group, gap, part, sound, single, len(key)))

        for index, spec in enumerate(specs):
            groups = [spec.terms, spec.partners] if spec.together else [spec.terms]
            kind = GROUP if spec.together else TERM
            for group, words in enumerate(groups):
                for word in words:
                    parts = [folded for folded in (fold_term(p) for p in word.split("*")) if folded]
                    if len(parts) == 1:
                        key_source = parts[0]
                        add(parts[0], kind, index, group)
                        # One character of a "together" rule (送, 返, 领, 奖) is not looked
                        # for in pinyin: song, fan, Ling and Jiang are words and names.
                        one = spec.together and len(_CJK.findall(parts[0])) == 1
                        if spec.sounds_alike and _CJK.search(parts[0]) and not one:
                            add(pinyin_of(parts[0]), kind, index, group, sound=True)
                    elif parts:
                        gap = len(self.gap_words)
                        self.gap_words.append((index, group, len(parts)))
                        for number, part in enumerate(parts):
                            key_source = part
                            add(part, PART, index, group, gap, number)
            for word in spec.allowed:
                folded = fold_term(word)
                if folded:
                    key_source = folded
                    add(folded, ALLOW, index)
        self.automaton = ahocorasick.Automaton()
        for key, values in entries.items():
            self.automaton.add_word(key, tuple(values))
        if entries:
            self.automaton.make_automaton()
        self.empty = not entries
        self.longest = max((len(key) for key in entries), default=0)

    # --------------------------------------------------------------------------------------
    def scan(self, folded: Folded, rules_on: frozenset[int] | None = None) -> list[Candidate]:
        if self.empty or not folded.text:
            return []
        text = folded.text
        raw: list[tuple] = []  # (entry, start, end) in folded offsets
        for end, values in self.automaton.iter(text):
            for entry in values:
                if entry[5] or (rules_on is not None and entry[1] not in rules_on):
                    continue
                start = end + 1 - entry[7]
                if self._inside_longer_word(folded, start, end + 1):
                    continue
                raw.append((entry, start, end + 1))
        if folded.has_latin:
            raw.extend(self._scan_sounds(text, rules_on))
        bridged = self._scan_breaks(folded, rules_on) if folded.has_break else []
        raw.extend(bridged)
        if not raw:
            return []
        ends = [m.start() for m in _ENDS.finditer(text)]
        if bridged:  # a line break inside a word is a dodge, not the end of a sentence
            inside = {i for entry, a, b in bridged if entry[0] != ALLOW for i in range(a, b)}
            ends = [end for end in ends if end not in inside]
        return self._combine(folded, raw, ends)

    @staticmethod
    def _inside_longer_word(folded: Folded, start: int, end: int) -> bool:
        """A Latin word must not be part of a longer Latin word (wx in twx), nor a number part
        of a longer number (第1 in 第12期, TOP1 in TOP10, 第一 in 第一百), judged in the original
        text: 加V：abc is 加V, then an ID; NO.1一定要买 is NO.1, then a word."""
        text = folded.text
        last = end - 1
        if start > 0 and folded.adjacent(start - 1, start):
            if _is_latin(text[start]) and _is_latin(text[start - 1]):
                return True
            if text[start] in _DIGITS and _decimal(folded, start - 1) and _decimal(folded, start):
                return True
        if end < len(text) and folded.adjacent(last, end):
            if _is_latin(text[last]) and _is_latin(text[end]):
                return True
            if text[last] in _DIGITS and (
                text[end] in _TENS or (_decimal(folded, last) and _decimal(folded, end))
            ):
                return True
        return False

    def _scan_breaks(self, folded: Folded, rules_on) -> list[tuple]:
        """Words split by line breaks (集⏎赞, 加微⏎信, one character a line): the text around
        the breaks is matched again without them; only matches across a break are kept. The
        cost follows the line breaks, each with a word's length either side."""
        text, reach = folded.text, self.longest
        clusters: list[list] = []  # [first, last, [(break start, break end), …]]
        for lo, hi in folded.breaks():
            if clusters and lo - reach <= clusters[-1][1]:
                clusters[-1][1] = hi + reach
                clusters[-1][2].append((lo, hi))
            else:
                clusters.append([max(0, lo - reach), hi + reach, [(lo, hi)]])
        out = []
        for first, last, runs in clusters:
            pieces, where, done = [], [], first
            for lo, hi in runs:
                pieces.append(text[done:lo])
                where.extend(range(done, lo))
                done = hi
            pieces.append(text[done:last])
            where.extend(range(done, min(last, len(text))))
            for end, values in self.automaton.iter("".join(pieces)):
                for entry in values:
                    if entry[5] or (rules_on is not None and entry[1] not in rules_on):
                        continue
                    start, stop = where[end + 1 - entry[7]], where[end] + 1
                    if stop - start == entry[7]:
                        continue  # no line break inside: the first pass has it
                    if not self._inside_longer_word(folded, start, stop):
                        out.append((entry, start, stop))
        return out

    def _scan_sounds(self, text: str, rules_on) -> list[tuple]:
        """Pinyin matches must contain a Latin letter of the text, so only the surroundings of
        each Latin run are spelled out (SOUND_REACH folded characters either side)."""
        windows: list[list[int]] = []
        for run in _LATIN_RUN.finditer(text):
            lo, hi = max(0, run.start() - SOUND_REACH), run.end() + SOUND_REACH
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = hi
            else:
                windows.append([lo, hi])
        out = []
        for lo, hi in windows:
            out.extend(
                (entry, lo + a, lo + b) for entry, a, b in self._spelled(text[lo:hi], rules_on)
            )
        return out

    def _spelled(self, text: str, rules_on) -> list[tuple]:
        spelled = sounds(text)
        out = []
        latin = spelled.latin
        size = len(spelled.text)
        for end, values in self.automaton.iter(spelled.text):
            for entry in values:
                if not entry[5] or (rules_on is not None and entry[1] not in rules_on):
                    continue
                start, stop = end + 1 - entry[7], end + 1
                if not any(latin[start:stop]):
                    continue  # all characters: a homophone, not a pinyin spelling
                if not (start in spelled.starts or latin[start]):
                    continue
                if not (stop in spelled.starts or latin[stop - 1]):
                    continue
                if entry[6]:  # one syllable (最 → zui): only a Latin run of exactly that
                    if not all(latin[start:stop]):
                        continue
                    if (start and latin[start - 1]) or (stop < size and latin[stop]):
                        continue
                out.append((entry, spelled.origin[start], spelled.origin[stop - 1] + 1))
        return out

    @staticmethod
    def _same_sentence(ends: list[int], start: int, end: int) -> bool:
        """No sentence end inside [start, end)."""
        index = bisect_left(ends, start)
        return index == len(ends) or ends[index] >= end

    def _combine(self, folded: Folded, raw: list[tuple], ends: list[int]) -> list[Candidate]:
        terms: list[tuple[int, int, int]] = []
        groups: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        parts: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
        allowed: dict[int, Covers] = defaultdict(Covers)
        for entry, start, end in raw:
            if entry[0] == ALLOW:
                allowed[entry[1]].add(start, end)
        for entry, start, end in raw:
            kind, rule, group, gap = entry[0], entry[1], entry[2], entry[3]
            if kind == ALLOW:
                continue
            if rule in allowed and allowed[rule].covers(start, end):
                continue  # a word inside an allowed word (最 in 最近, 福利 in 福利群)
            if kind == TERM:
                terms.append((rule, start, end))
            elif kind == GROUP:
                groups[rule, group].append((start, end))
            else:
                parts[gap][entry[4]].append((start, end))

        for gap, found in parts.items():
            rule, group, count = self.gap_words[gap]
            spans = found.get(0, [])
            for number in range(1, count):
                following = sorted(found.get(number, []))
                starts = [span[0] for span in following]
                joined = []
                for start, end in spans:
                    # only the parts that begin within GAP characters after this one
                    index = bisect_left(starts, end)
                    while index < len(following) and starts[index] <= end + GAP:
                        next_start, next_end = following[index]
                        if self._same_sentence(ends, end, next_start):
                            joined.append((start, next_end))
                        index += 1
                spans = joined
            for start, end in spans:
                if self.specs[rule].together:
                    groups[rule, group].append((start, end))
                else:
                    terms.append((rule, start, end))

        for (rule, group), firsts in list(groups.items()):
            if group != 0:
                continue
            window = self.specs[rule].window
            seconds = sorted(groups.get((rule, 1), []))
            starts = [span[0] for span in seconds]
            longest = max((b - a for a, b in seconds), default=0)
            for start, end in firsts:
                best = None  # the nearest partner: the finding is the tightest phrase
                index = bisect_left(starts, start - window - longest)
                while index < len(seconds) and starts[index] <= end + window:
                    other_start, other_end = seconds[index]
                    index += 1
                    if other_start < end and start < other_end:
                        continue  # the same characters cannot be both
                    lo, hi = min(start, other_start), max(end, other_end)
                    gap = max(start, other_start) - min(end, other_end)
                    closer = best is None or hi - lo < best[1] - best[0]
                    if gap <= window and closer and self._same_sentence(ends, lo, hi):
                        best = (lo, hi)
                if best:
                    terms.append((rule, *best))

        out = []
        for rule, start, end in set(terms):
            if rule in allowed and allowed[rule].covers(start, end):
                continue
            if self.exceptions[rule] and self._excepted(folded, ends, rule, start, end):
                continue
            out.append(Candidate(rule, start, end))
        return out

    def _excepted(self, folded: Folded, ends: list[int], rule: int, start: int, end: int) -> bool:
        """Whether an exception pattern matches around the finding, on its sentence (at most
        EXCEPTION_REACH characters either side: a 20,000-character text without a full stop
        must not cost a regex pass over all of it per finding). A pattern anchored at the end
        of the sentence ($: a question) is judged on the finding's clause: in 全网最低价，还等什么？
        the question is not about 最低价, in 宝子们，你最喜欢哪个？ it is."""
        text = folded.text
        index = bisect_left(ends, start)
        sentence_start = max(ends[index - 1] + 1 if index else 0, start - EXCEPTION_REACH)
        after = bisect_left(ends, end)
        sentence_end = ends[after] + 1 if after < len(ends) else len(text)
        sentence_end = min(sentence_end, end + EXCEPTION_REACH)
        sentence = text[sentence_start:sentence_end]
        lo, hi = start - sentence_start, end - sentence_start
        clause = None  # the sentence up to the end of the finding's clause, when asked
        for pattern in self.exceptions[rule]:
            judged = sentence
            if pattern.pattern.endswith("$"):
                if clause is None:
                    clause = sentence[: _clause_end(folded, end, sentence_end) - sentence_start]
                judged = clause
            for match in pattern.finditer(judged):
                if match.start() <= lo and match.end() >= hi:
                    return True
        return False


_CLAUSE_BREAKS = re.compile("[，,、：:]")


def _clause_end(folded: Folded, end: int, limit: int) -> int:
    """The folded offset where the clause of a finding ending at `end` ends: the first comma,
    顿号 or colon of the original text after it (else `limit`, the sentence's end)."""
    if end >= limit:
        return limit
    origin = folded.origin
    first, last = origin[end - 1] + 1, origin[limit - 1] + 1
    found = _CLAUSE_BREAKS.search(folded.original, first, last)
    return bisect_left(origin, found.start()) if found else limit
