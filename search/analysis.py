"""Chinese text analysis: one pipeline for indexing and for queries, for every backend.

normalise(): NFKC (full-width → half-width), lower case, Traditional → Simplified (OpenCC).
tokens(): jieba words in search mode, plus CJK character bigrams (single characters for a
one-character run), without punctuation or stop words. Words find what jieba segments the same
way (and rank higher); bigrams find what it splits differently from the user (燕窝 inside
燕窝礼盒, 宠粉节 split as 宠粉/节). See ../shared/SEARCH_BENCH.md.

The jieba dictionary (≈75 MB, 1.5 s) loads lazily, once per process. A domain dictionary keeps
private-domain terms whole (会员日, 双十一, 宝子们); `refresh_user_words()` adds hot-topic
names, tags and persona terms when those change.
"""

from __future__ import annotations

import contextlib
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Terms jieba should never split, seeded for the private-domain trade.
DOMAIN_WORDS = [
    "私域", "私域流量", "朋友圈", "社群", "社群运营", "会员日", "双十一", "双11", "双十二",
    "双12", "618", "宝子们", "宝子", "姐妹们", "直播间", "企业微信", "企微", "视频号", "小程序",
    "公众号", "小红书", "抖音", "红包雨", "抽奖", "打卡", "新人礼", "宠粉节", "宠粉", "种草",
    "拔草", "复购", "裂变", "引流", "转化", "老带新", "满减", "定金", "预售", "秒杀", "拼团",
    "冻干面膜", "修护精华", "敏感肌", "代餐", "轻食", "年货节", "女王节", "七夕", "中秋", "端午",
    "春节", "元宵",
]  # fmt: skip

STOP_WORDS = frozenset(
    ["的", "了", "和", "是", "在", "就", "都", "而", "及", "与", "着", "或", "一个", "没有",
     "我们", "你们", "他们", "这", "那", "啊", "吧", "呢", "吗", "哦", "呀", "哈", "嘛"]
)  # fmt: skip

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:[._-][a-z0-9]+)*")
_CJK_RUN = re.compile(rf"[{_CJK}]+")
_lock = threading.Lock()
_extra_words: set[str] = set()
_generation = 0  # bumped when jieba learns words: analysed queries may segment differently
_loaders: list = []
_loaded = False


def register_dictionary_loader(loader) -> None:
    """`loader()` runs once per process, the first time text is segmented, to add user words
    (the search app registers one that reads hot topics, tags and persona terms)."""
    _loaders.append(loader)


def _segmenter():
    global _loaded
    tokenizer = _jieba()
    if not _loaded:
        _loaded = True
        for loader in _loaders:
            # No database (yet): the words are missing, but bigrams still find the text.
            with contextlib.suppress(Exception):
                loader()
    return tokenizer


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    _cache_file = _cache_path()
    if _cache_file:
        tokenizer.tmp_dir = str(_cache_file.parent)
        tokenizer.cache_file = _cache_file.name
    tokenizer.initialize()
    for word in DOMAIN_WORDS:
        tokenizer.add_word(normalise(word), freq=200000)
    return tokenizer


def _cache_path():
    try:
        from django.conf import settings

        return settings.DATA_DIR / "jieba.cache"
    except Exception:  # noqa: BLE001 - usable without Django settings
        return None


def normalise(text: str) -> str:
    """Width folding, lower case and Traditional → Simplified."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower()
    return _converter().convert(text)


def dictionary_generation() -> int:
    """Changes whenever jieba learns words (search.plan caches analysed queries by it)."""
    return _generation


def add_user_words(words: Iterable[str]) -> int:
    """Teach jieba words that must stay whole (hot-topic names, tags, catchphrases)."""
    global _generation
    added = 0
    tokenizer = _jieba()
    with _lock:
        for word in words:
            word = normalise(word).strip()
            if 2 <= len(word) <= 20 and word not in _extra_words and " " not in word:
                tokenizer.add_word(word, freq=100000)
                _extra_words.add(word)
                added += 1
        if added:
            _generation += 1
    return added


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def words(text: str) -> list[str]:
    """jieba search-mode words of the normalised text (no punctuation, no stop words)."""
    text = normalise(text)
    out = []
    for piece in _RUN.findall(text):
        if _CJK_RUN.fullmatch(piece):
            out.extend(w for w in _segmenter().cut_for_search(piece) if w not in STOP_WORDS)
        else:
            out.append(piece)
    return out


def bigrams(text: str) -> list[str]:
    """CJK character bigrams of the normalised text (a lone character stays a unigram)."""
    return [gram for run in _CJK_RUN.findall(normalise(text)) for gram in _bigrams(run)]


def index_text(text: str) -> str:
    """What an index stores for `text`: words, then bigrams, space-separated."""
    return " ".join(words(text) + bigrams(text))


#: Longer queries are cut to this many characters before analysis (nobody searches with more;
#: it keeps a pasted 10,000-character text from turning into thousands of terms).
MAX_QUERY_CHARS = 512
#: At most this many words and this many bigrams of a query are used, by every backend: a
#: query's terms become one nested expression in the database backend, and ~160 of them
#: exhausted Python's recursion limit building it on PostgreSQL (a 500).
MAX_QUERY_TERMS = 64


def query_tokens(query: str) -> tuple[list[str], list[str]]:
    """(words, bigrams) of a query, at most MAX_QUERY_TERMS of each, distinct, in order;
    either may be empty (e.g. punctuation only)."""
    query = (query or "")[:MAX_QUERY_CHARS]
    return (
        list(dict.fromkeys(words(query)))[:MAX_QUERY_TERMS],
        list(dict.fromkeys(bigrams(query)))[:MAX_QUERY_TERMS],
    )


def highlight(
    text: str, query: str, *, length: int = 120, terms: Iterable[str] | None = None
) -> SafeString:
    """An HTML-escaped excerpt of `text` around the first match, matches wrapped in <mark>.

    Matching is done on the normalised text, which has the same length as the original for
    CJK (Traditional/Simplified conversion and NFKC keep one character per character for the
    characters we index), so offsets carry over; where they do not, it falls back to no marks.
    `terms`: the query's tokens when the caller has them already (search.plan), else analysed.
    """
    if not text:
        return mark_safe("")  # noqa: S308
    folded = normalise(text)
    if terms is None:
        words_, grams = query_tokens(query)
        terms = {t for t in words_ + grams if t}
    terms = sorted(terms, key=len, reverse=True)
    if len(folded) != len(text) or not terms:
        return escape(text[:length])
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + len(term))
    if not spans:
        return escape(text[:length])
    spans.sort()
    merged: list[list[int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    first = merged[0][0]
    window_start = max(0, min(first - length // 4, len(text) - length))
    window_end = min(len(text), window_start + length)
    out, cursor = [], window_start
    for lo, hi in merged:
        if hi <= window_start or lo >= window_end:
            continue
        lo, hi = max(lo, window_start), min(hi, window_end)
        out.append(escape(text[cursor:lo]))
        out.append(f"<mark>{escape(text[lo:hi])}</mark>")
        cursor = hi
    out.append(escape(text[cursor:window_end]))
    prefix = "…" if window_start else ""
    suffix = "…" if window_end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308
