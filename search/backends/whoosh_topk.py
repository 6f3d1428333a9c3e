"""Plain-text queries over a Whoosh index, evaluated with posting lists and sets.

Whoosh answers a query by walking a tree of Python matcher objects document by document, and
scores every match that way (about 17 µs per document for our queries). At 100,000 scripts a
common word matches 10,000–40,000 of them, so one query cost 100–200 ms. Here each query
token's posting lists are read whole, block by block; the matching documents come from set
operations (in C); and each match is scored with Whoosh's BM25F formula from per-field length
tables built once per index version. The same query costs 5–25 ms (bench/RESULTS.md).

The Whoosh backend uses this for PlainText/Phrase/Fuzzy queries — what the admin search boxes
and the API send. Any other query shape goes through Whoosh's own matchers.

It reads two internals of Whoosh 2.7.4's on-disk format (the block data of `W3LeafMatcher`
and the per-document length column), with a slower generic path when those are not there.
Whoosh is unmaintained and pinned in requirements.lock; tests compare the results with
Whoosh's own scoring.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from itertools import accumulate

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

#: passing() walks the filter to each document up to this many; beyond, it lists the filter's.
WALK_AT_MOST = 2000
# whoosh.scoring.BM25F's defaults, which the backend's searchers use.
K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Field:
    name: str
    boost: float


@dataclass(frozen=True)
class Token:
    text: str
    prefix: bool = False  # match every term that starts with `text`, each scored as a term


@dataclass(frozen=True)
class Plan:
    """Documents holding every `required` token (any one of them if `any_of`), each token in
    any of `fields`; `optional` tokens only add to the score."""

    fields: tuple[Field, ...]
    required: tuple[Token, ...]
    optional: tuple[Token, ...] = ()
    any_of: bool = False
    boost: float = 1.0


def scores(searcher, plan: Plan) -> dict[int, float]:
    """BM25F score of every matching document, by global document number."""
    out: dict[int, float] = {}
    if not plan.fields or not plan.required:
        return out
    top_reader = searcher.reader()
    doc_count = searcher.doc_count_all()
    avg = {f.name: searcher.avg_field_length(f.name) or 1.0 for f in plan.fields}
    idfs: dict[tuple[str, object], float] = {}  # over all segments, once per term
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        deleted: set[int] = set()
        required = [_token_lists(reader, plan.fields, t, deleted) for t in plan.required]
        optional = [_token_lists(reader, plan.fields, t, deleted) for t in plan.optional]
        matched = None
        for lists in required:
            docs = set()
            for _field, _term, ids, _weights in lists:
                docs.update(ids)
            if matched is None:
                matched = docs
            elif plan.any_of:
                matched |= docs
            else:
                matched &= docs
            if not matched and not plan.any_of:
                break
        if not matched:
            continue
        matched -= deleted
        local = dict.fromkeys(matched, 0.0)
        for lists in required + optional:
            for field, term, ids, weights in lists:
                idf = idfs.get((field.name, term))
                if idf is None:
                    idf = idfs[field.name, term] = _idf(top_reader, doc_count, field.name, term)
                factor = plan.boost * field.boost * idf * (K1 + 1)
                norms = _norms(avg[field.name])
                lengths = _lengths(reader, field.name)
                if weights is None:  # every term frequency is 1
                    table = [factor / (1.0 + n) for n in norms]
                    for doc in matched.intersection(ids):
                        local[doc] += table[lengths[doc]]
                else:
                    for doc, tf in zip(ids, weights, strict=True):
                        if doc in local:
                            local[doc] += factor * tf / (tf + norms[lengths[doc]])
        if offset:
            out.update((doc + offset, score) for doc, score in local.items())
        else:
            out.update(local)
    return out


def as_whoosh_query(plan: Plan):
    """The Whoosh query that matches and scores like `plan` (for Whoosh's own matchers: query
    shapes this module does not take, and the tests that compare the two)."""
    from whoosh import query as wq

    def token(tok):
        queries = [
            wq.Prefix(f.name, tok.text, boost=f.boost, constantscore=False)
            if tok.prefix
            else wq.Term(f.name, tok.text, boost=f.boost)
            for f in plan.fields
        ]
        return queries[0] if len(queries) == 1 else wq.Or(queries)

    if not plan.fields or not plan.required:
        return wq.NullQuery
    required = [token(t) for t in plan.required]
    query = wq.Or(required) if plan.any_of else wq.And(required)
    if plan.optional:
        query = wq.AndMaybe(query, wq.Or([token(t) for t in plan.optional]))
    query = query.normalize()
    if plan.boost != 1 and query is not wq.NullQuery:
        query = query.with_boost(plan.boost)
    return query


def best(scored: dict[int, float], n: int | None) -> list[int]:
    """Document numbers by score, highest first; equal scores, the later document first (it
    was indexed later). The best `n` only, unless n is None."""
    key = scored.__getitem__
    if n is None or n >= len(scored):
        ranked = sorted(scored, reverse=True)
        ranked.sort(key=key, reverse=True)  # stable: equal scores keep the later doc first
        return ranked
    return [doc for _score, doc in heapq.nlargest(n, ((scored[d], d) for d in scored))]


def passing(searcher, query, docnums: list[int]) -> set[int]:
    """The documents among `docnums` that match `query` (a filter): by walking its matcher in
    document order (skip_to) when they are few, so only those are looked at."""
    if len(docnums) > WALK_AT_MOST:  # many: every document the filter lets through, as a set
        return set(searcher.docs_for_query(query)).intersection(docnums)
    wanted = sorted(docnums)
    kept: set[int] = set()
    leaves = searcher.leaf_searchers()
    for i, (leaf, offset) in enumerate(leaves):
        end = leaves[i + 1][1] if i + 1 < len(leaves) else None
        local = [d - offset for d in wanted if d >= offset and (end is None or d < end)]
        if not local:
            continue
        matcher = query.matcher(leaf, leaf.boolean_context())
        for doc in local:
            if not matcher.is_active():
                break
            if matcher.id() < doc:
                matcher.skip_to(doc)
                if not matcher.is_active():
                    break
            if matcher.id() == doc:
                kept.add(doc + offset)
    return kept


# Posting lists -----------------------------------------------------------------------------


def _token_lists(reader, fields, token: Token, deleted: set[int]):
    """[(field, term, ids, weights or None)] of `token` in each field; `deleted` collects the
    segment's deleted documents (their postings are still on disk)."""
    lists = []
    for field in fields:
        if token.prefix:
            try:
                terms = list(reader.expand_prefix(field.name, token.text))
            except TermNotFound:
                terms = []
        else:
            terms = [token.text]
        for term in terms:
            ids, weights = _postings(reader, field.name, term, deleted)
            if ids:
                lists.append((field, term, ids, weights))
    return lists


def _postings(reader, fieldname, term, deleted: set[int]):
    """(document numbers, term frequencies or None if all are 1) of a term in one segment."""
    try:
        matcher = reader.postings(fieldname, term)
    except TermNotFound:
        return [], None
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        deleted.update(matcher._ids)
        matcher = matcher.child
    ids: list[int] = []
    if not isinstance(matcher, W3LeafMatcher):  # another codec: Whoosh's generic interface
        weights = []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return ids, (None if all(w == 1 for w in weights) else weights)
    blocks = []  # (start, end, weights) of the blocks whose frequencies are not all 1
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        block_ids, block_weights = matcher._data[0], matcher._data[1]
        start = len(ids)
        ids.extend(block_ids if matcher._byteids else accumulate(block_ids))
        if block_weights is not None and block_weights != 1.0:
            blocks.append((start, len(ids), block_weights))
        matcher._next_block()
    if not blocks:
        return ids, None
    weights = [1.0] * len(ids)
    for start, end, block_weights in blocks:
        if isinstance(block_weights, float):
            weights[start:end] = [block_weights] * (end - start)
        else:
            weights[start:end] = block_weights
    return ids, weights


def _idf(reader, doc_count: int, fieldname: str, term) -> float:
    """Whoosh's idf (whoosh.scoring.WeightingModel.idf): log(N / (df + 1)) + 1."""
    from math import log

    return log(doc_count / (reader.doc_frequency(fieldname, term) + 1)) + 1


_NORMS: dict[float, list[float]] = {}


def _norms(avg_length: float) -> list[float]:
    """K1 · (1 − B + B · length / avg) for each of Whoosh's 256 length bytes."""
    norms = _NORMS.get(avg_length)
    if norms is None:
        if len(_NORMS) > 256:
            _NORMS.clear()
        norms = [K1 * ((1 - B) + B * byte_to_length(i) / avg_length) for i in range(256)]
        _NORMS[avg_length] = norms
    return norms


def _lengths(reader, fieldname: str) -> bytes:
    """Each document's length byte in the field, cached on the (immutable) segment reader."""
    cache = reader.__dict__.setdefault("_siyu_lengths", {})
    lengths = cache.get(fieldname)
    if lengths is None:
        perdoc = getattr(reader, "_perdoc", None)
        column = None
        if perdoc is not None:
            column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        if column is not None:
            lengths = bytes(column)
        else:
            lengths = bytes(
                length_to_byte(reader.doc_field_length(d, fieldname) or 0)
                for d in range(reader.doc_count_all())
            )
        cache[fieldname] = lengths
    return lengths
