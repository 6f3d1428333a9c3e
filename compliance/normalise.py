"""Normalisation before matching, so that a word list cannot be dodged by spelling.

`fold(text)` gives the text every rule is matched against, with a map back to the original:
- width and compatibility forms folded (NFKC: full-width Ｌ１ → l1, ① → 1), lower case;
- Traditional → Simplified, character by character (OpenCC t2s), so offsets stay exact;
- digits in one style: 1 / １ / 壹 / 一 all become 一 (so 第1, 第壹 and 第一 are the same);
- a few rare look-alike characters used to dodge filters (薇信, 葳信 → 微信), and Latin look-alikes
  from other scripts (Cyrillic х, Greek ν, small capitals ᴠ, enclosed 🅥) as the Latin letter;
- accents dropped (pinyin with tone marks: zuì hǎo → zuihao; ü → v, as pinyin is typed);
- spaces, punctuation, symbols, emoji and invisible characters dropped (最 好, 最*好, 最🔥好,
  最\u200b好, the blank Hangul filler ㅤ → 最好), except sentence
  ends (。！？；and line breaks, not ASCII dots: 最.好 is a dodge), which are kept as 。 or ?
  so that rules can look at "the sentence" and questions.

`sounds(folded)` spells the folded text in toneless pinyin (Latin letters kept as they are),
with the syllable boundaries: a rule's pinyin form is matched there, so 最hao and jia wei xin
are found. Only built when the text contains Latin letters (pure Chinese text has no pinyin
spelling to catch, and homophone matching on characters would flag 积攒 for 集赞).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

SENTENCE_END = "。"
QUESTION = "?"
_ENDS = {
    "。": SENTENCE_END,
    "!": SENTENCE_END,
    ";": SENTENCE_END,
    "\n": SENTENCE_END,
    "\r": SENTENCE_END,
    "?": QUESTION,
}
_DIGITS = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
# Financial (大写) numerals and other digit styles → the plain Chinese numeral.
_DIGITS.update(
    {
        "〇": "零",
        "壹": "一",
        "贰": "二",
        "貳": "二",
        "叁": "三",
        "參": "三",
        "肆": "四",
        "伍": "五",
        "陆": "六",
        "陸": "六",
        "柒": "七",
        "捌": "八",
        "玖": "九",
        "拾": "十",
        "佰": "百",
        "仟": "千",
    }
)
# Rare characters that stand in for common ones only to dodge filters (not ordinary words: 嘬
# as in 嘬一口 is one, and stays itself).
_LOOKALIKE = {"囯": "国", "薇": "微", "葳": "微", "㣲": "微", "嶶": "微", "蕞": "最", "冣": "最"}
# Letters of other scripts that look like a Latin letter (after NFKC and lower case): vх with a
# Cyrillic х is vx. Russian or Greek copy is not what this product checks.
_LATIN_LOOKALIKE = {
    **dict(zip("авекмнорстухѕіјԁѵѡԝԛһ", "abekmhopctyxsijdvwwqh", strict=True)),  # Cyrillic
    **dict(zip("αβεηικνορτυχωγ", "abenikvoptuxwy", strict=True)),  # Greek
    **dict(zip("ɑɡıʋɀᴀʙᴄᴅᴇɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "agivzabcdeghijklmnoprstuvwyz", strict=True)),
}
_INVISIBLE_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}  # Hangul fillers: blank
_KEEP_SYMBOLS = {"%"}


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


def _fold_char(char: str) -> str:
    """What one original character becomes in the folded text ("" when it is dropped)."""
    code = ord(char)
    if 0x1F200 <= code <= 0x1F2FF:
        return ""  # squared ideograph emoji (🈶 🉐): emoji, not the character they show
    if 0x1F150 <= code <= 0x1F169 or 0x1F170 <= code <= 0x1F189:
        return chr(ord("a") + (code - 0x1F150) % 32)  # negative circled/squared 🅥 🆇: letters
    out = []
    for part in unicodedata.normalize("NFKC", char).lower():
        if part in _ENDS:
            out.append(_ENDS[part])
            continue
        if part in _INVISIBLE_LETTERS:
            continue
        if _is_cjk(part):
            part = _t2s().convert(part)[:1] or part
            part = _LOOKALIKE.get(part, part)
        elif not part.isascii():
            part = _unaccented(part)
            part = _LATIN_LOOKALIKE.get(part, part)
        part = _DIGITS.get(part, part)
        if part in _KEEP_SYMBOLS or _is_cjk(part) or part.isalnum():
            out.append(part)
    return "".join(out)


def _unaccented(char: str) -> str:
    """é → e, ǜ → v (the pinyin way to type ü); a letter without accents is left as it is."""
    parts = unicodedata.normalize("NFD", char)
    if len(parts) == 1 or not all(unicodedata.combining(mark) for mark in parts[1:]):
        return char
    return "v" if parts[0] == "u" and "\u0308" in parts else parts[0]


_TABLE: dict[int, str] = {}  # str.translate table: code point → folded string ("" = dropped)
_BREAK_TABLE: dict[int, str] = {10: "\0", 13: "\0"}  # the same, with line breaks as NUL
_LATIN = re.compile("[a-z]")
_BREAKS = re.compile("\0+")


def fold_char(char: str) -> str:
    folded = _TABLE.get(ord(char))
    if folded is None:
        folded = _fold_char(char)
        if len(_TABLE) < 100_000:
            _TABLE[ord(char)] = folded
            _BREAK_TABLE.setdefault(ord(char), folded)
    return folded


class Folded:
    """The folded text; the map back to original offsets is built only when asked for."""

    __slots__ = ("_origin", "original", "text")

    def __init__(self, original: str, text: str):
        self.original = original
        self.text = text
        self._origin: list[int] | None = None

    @property
    def has_latin(self) -> bool:
        return _LATIN.search(self.text) is not None

    @property
    def has_break(self) -> bool:
        return "\n" in self.original or "\r" in self.original

    def breaks(self) -> list[tuple[int, int]]:
        """Folded [start, end) of each run of line breaks (its sentence ends): the text folded
        once more with line breaks as NUL, which keeps every offset (no map back needed)."""
        marked = self.original.translate(_BREAK_TABLE)
        return [run.span() for run in _BREAKS.finditer(marked)]

    @property
    def origin(self) -> list[int]:
        """origin[i]: index in the original text of folded character i."""
        if self._origin is None:
            table = _TABLE
            odd = [c for c in set(self.original) if len(table[ord(c)]) != 1]
            if not odd:
                self._origin = range(len(self.text))  # type: ignore[assignment]
            else:
                # Most characters fold to one: copy ranges between the dropped/expanded ones.
                origin: list[int] = []
                done = 0
                pattern = re.compile("[" + "".join(re.escape(c) for c in odd) + "]")
                for match in pattern.finditer(self.original):
                    index = match.start()
                    origin.extend(range(done, index))
                    origin.extend([index] * len(table[ord(match.group())]))
                    done = index + 1
                origin.extend(range(done, len(self.original)))
                self._origin = origin
        return self._origin

    def adjacent(self, left: int, right: int) -> bool:
        """Whether folded characters `left` and `right` touch in the original text (nothing
        dropped between them: a space or a colon separates two Latin words)."""
        origin = self.origin
        return origin[right] - origin[left] <= 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded slice [start, end)."""
        origin = self.origin
        return origin[start], origin[end - 1] + 1


def fold(text: str) -> Folded:
    table = _TABLE
    for char in set(text):
        if ord(char) not in table:
            fold_char(char)
    return Folded(text, text.translate(table))


def fold_term(term: str) -> str:
    """A rule's word folded exactly as text is (so rules may be written in any style)."""
    return fold(term).text


@lru_cache(maxsize=20_000)
def _syllable(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    if not _is_cjk(char):
        return char
    spelled = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return spelled[0] if spelled and spelled[0].isascii() and spelled[0] else char


def pinyin_of(folded_word: str) -> str:
    """A folded word spelled in toneless pinyin: 微信 → weixin."""
    return "".join(_syllable(char) if _is_cjk(char) else char for char in folded_word)


@dataclass(frozen=True)
class Sounds:
    text: str  # the folded text in pinyin
    origin: list[int]  # index in the folded text of each pinyin character
    starts: frozenset[int]  # pinyin positions where a folded character begins
    latin: list[bool]  # whether each pinyin character was a Latin letter in the text


def sounds(folded: str) -> Sounds:
    parts: list[str] = []
    origin: list[int] = []
    starts: set[int] = set()
    latin: list[bool] = []
    position = 0
    for index, char in enumerate(folded):
        spelled = _syllable(char) if _is_cjk(char) else char
        starts.add(position)
        parts.append(spelled)
        origin.extend([index] * len(spelled))
        latin.extend([not _is_cjk(char) and "a" <= char <= "z"] * len(spelled))
        position += len(spelled)
    starts.add(position)
    return Sounds("".join(parts), origin, frozenset(starts), latin)
