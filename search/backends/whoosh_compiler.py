"""The Whoosh query compiler (search.backends.whoosh): a query's search plan (search.plan, the
rules every backend compiles) becomes posting-list work for whoosh_topk, or a Whoosh query for
other query shapes (And/Or/Not of queries); the filters come from whoosh_filters.

The plan's required tokens must all be in a document (each in any searched field), its
optional ones (the query's jieba words that are not bigrams) only add score, so a document
where jieba found the same word ranks above one that only holds the bigrams; a one-character
query and, for autocomplete, the last latin word match as prefixes. Score is Whoosh's BM25F,
each field's score multiplied by its SearchField ``boost``. User input is never parsed as
Whoosh query syntax: queries are built from the plan's tokens, which only ever contain CJK
characters, a-z, 0-9 and ``._-``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from modelsearch.backends.base import BaseSearchQueryCompiler
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import query as wq

from search.backends import DatabaseOrderingMixin
from search.backends import whoosh_schema as ws
from search.backends import whoosh_topk as topk
from search.backends.whoosh_filters import WhooshFilters
from search.backends.whoosh_storage import open_searcher, reading
from search.plan import is_cjk, plan_for

#: Above this many hits, the hits are matched against the queryset in Python instead of
#: with one ``pk IN (...)`` query.
MAX_IN_CLAUSE = 500
TOP_K_MARGIN = 20  # extra hits fetched in a top-k search, for those the database drops


class WhooshSearchQueryCompiler(WhooshFilters, DatabaseOrderingMixin, BaseSearchQueryCompiler):
    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True  # the database orders the hits
    AUTOCOMPLETE = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._hits_cache = None
        self._schema = None

    # Text fields and tokens

    def _specs(self) -> list[ws.TextSpec]:
        model = self.queryset.model
        specs = ws.search_specs(model)
        if self.AUTOCOMPLETE:
            specs = ws.autocomplete_specs(model) or specs
        if self.fields:
            specs = [
                s
                for s in specs
                if any(s.lookup == f or s.lookup.startswith(f + "__") for f in self.fields)
            ]
        specs = [s for s in specs if s.name in self._schema]
        return specs

    def _plan(self, text, operator, boost=1.0, relaxed=False) -> topk.Plan | None:
        """The search plan of a plain-text query (its match, or with `relaxed` its typo
        fallback) compiled for whoosh_topk; None when nothing can match."""
        search_plan = plan_for(text)
        clauses = search_plan.clauses(operator, fallback=relaxed)
        specs = self._specs()
        if not specs or clauses is None:
            return None
        fields = tuple(topk.Field(spec.name, spec.boost or 1.0) for spec in specs)
        prefix = set(clauses.prefix)
        words = search_plan.words
        if self.AUTOCOMPLETE and words and not is_cjk(words[-1]):
            prefix.add(words[-1])  # autocomplete: the last latin word is a prefix (vi → vip)
        required = tuple(topk.Token(t, prefix=t in prefix) for t in clauses.required)
        optional = tuple(topk.Token(t, prefix=False) for t in clauses.optional)
        return topk.Plan(fields, required, optional, clauses.any_of, boost)

    def _plain_text(self, text, operator, boost=1.0, relaxed=False):
        """The Whoosh query of a plan (for query shapes the top-k evaluator does not take)."""
        plan = self._plan(text, operator, boost, relaxed)
        return wq.NullQuery if plan is None else topk.as_whoosh_query(plan)

    def _has_tokens(self, query) -> bool:
        """False for a text query that analysis reduces to nothing (punctuation, emoji)."""
        while isinstance(query, Boost):
            query = query.subquery
        if isinstance(query, PlainText | Phrase | Fuzzy):
            return not plan_for(query.query_string).empty
        return True

    def _build(self, query, relaxed=False, boost=1.0):
        if isinstance(query, PlainText):
            return self._plain_text(
                query.query_string, query.operator, boost * query.boost, relaxed=relaxed
            )
        if isinstance(query, Phrase):
            return self._plain_text(query.query_string, "and", boost, relaxed=relaxed)
        if isinstance(query, Fuzzy):
            return self._plain_text(query.query_string, query.operator, boost, relaxed=relaxed)
        if isinstance(query, Boost):
            return self._build(query.subquery, relaxed=relaxed, boost=boost * query.boost)
        if isinstance(query, MatchAll):
            return wq.Every()
        if isinstance(query, Not):
            return wq.Not(self._build(query.subquery, boost=boost))
        if isinstance(query, And):
            return wq.And([self._build(q, boost=boost) for q in query.subqueries])
        if isinstance(query, Or):
            return wq.Or([self._build(q, boost=boost) for q in query.subqueries])
        raise NotImplementedError(
            f"`{query.__class__.__name__}` is not supported by the Whoosh search backend."
        )

    def _relaxable(self) -> bool:
        query = self.query
        while isinstance(query, Boost):
            query = query.subquery
        return isinstance(query, Phrase) or (
            isinstance(query, PlainText | Fuzzy) and query.operator == "and"
        )

    def _mode(self):
        """("all" | "none" | "not" | "query", the query to run)."""
        query = self.query
        while isinstance(query, Boost):
            query = query.subquery
        if isinstance(query, MatchAll):
            return "all", None
        if isinstance(query, Not):
            inner = query.subquery
            while isinstance(inner, Boost):
                inner = inner.subquery
            if isinstance(inner, MatchAll):
                return "none", None
            return "not", inner
        return "query", self.query

    # Running

    def _ordered(self, queryset):
        return queryset if queryset.ordered else queryset.order_by("-pk")

    def _in_queryset(self, pks, ordered=False) -> list:
        """The pks among `pks` that the queryset returns (in its order if `ordered`)."""
        queryset = self._ordered(self.queryset) if ordered else self.queryset.order_by()
        if len(pks) <= MAX_IN_CLAUSE:
            found = queryset.filter(pk__in=list(pks)).values_list("pk", flat=True)
        else:
            wanted = set(pks)
            found = (pk for pk in queryset.values_list("pk", flat=True) if pk in wanted)
        return list(dict.fromkeys(found))

    def _run(self, searcher, index, query, limit=None) -> tuple[list[tuple[object, float]], bool]:
        """(pk, score) of the best `limit` documents matching `query` (all if None), and
        whether there may be more."""
        if query is wq.NullQuery:
            return [], False
        with reading(index):
            results = searcher.search(query, limit=limit)
            more = limit is not None and results.scored_length() >= limit
            return self._pks(searcher, [(hit.docnum, hit.score) for hit in results]), more

    def hits(self, backend, wanted=None) -> list[tuple[object, float | None]]:
        """(pk, score) of the matches in result order: all of them, or at least the first
        `wanted` when that is all a page needs (a top-k search; the rest is not scored).
        Cached for count + page."""
        cached = self._hits_cache
        if cached is not None and (cached[1] or (wanted is not None and len(cached[0]) >= wanted)):
            return cached[0]
        hits, complete = self._compute_hits(backend, wanted)
        self._hits_cache = (hits, complete)
        return hits

    def _compute_hits(self, backend, wanted=None):
        """(hits, complete): complete is False when only the best `wanted` were looked for."""
        mode, query = self._mode()
        if mode == "none":
            return [], True
        if mode == "all":
            return [(pk, None) for pk in self._in_queryset_all()], True
        if mode == "query" and not self._has_tokens(query):
            return [], True  # nothing to look for: no need for the index
        index = backend.get_index_for_model(self.queryset.model)
        searcher = open_searcher(index.path, index.name)
        self._schema = searcher.schema
        if mode == "not":
            matched = {pk for pk, _score in self._run(searcher, index, self._build(query))[0]}
            return [(pk, None) for pk in self._in_queryset_all() if pk not in matched], True

        whoosh_filter = self._whoosh_filter()
        # Top-k only when the order is the index's (relevance) and a page is all that is asked.
        limit = wanted + TOP_K_MARGIN if wanted is not None and self.order_by_relevance else None
        plain = self._plain_args(query)
        if plain is not None:  # posting lists and sets (whoosh_topk), not Whoosh's matchers
            hits, complete = self._scored(searcher, index, self._plan(*plain), whoosh_filter, limit)
            if not hits and self._relaxable():
                relaxed = self._plan(*plain, relaxed=True)
                hits, complete = self._scored(searcher, index, relaxed, whoosh_filter, limit)
        else:
            built = self._build(query)
            hits, complete = self._matching(searcher, index, built, whoosh_filter, limit)
            if not hits and self._relaxable():
                relaxed = self._build(query, relaxed=True)
                hits, complete = self._matching(searcher, index, relaxed, whoosh_filter, limit)
        if self.order_by_relevance:
            # Highest score first; equal scores newest (highest pk) first, as the database
            # backends do.
            hits.sort(key=lambda hit: hit[0], reverse=True)
            hits.sort(key=lambda hit: hit[1], reverse=True)
            return hits, complete
        scores = dict(hits)
        return [(pk, scores[pk]) for pk in self._in_queryset(list(scores), ordered=True)], True

    @staticmethod
    def _plain_args(query):
        """(text, operator, boost) of a plain-text query, possibly boosted; None otherwise."""
        boost = 1.0
        while isinstance(query, Boost):
            boost *= query.boost
            query = query.subquery
        if isinstance(query, PlainText):
            return query.query_string, query.operator, boost * query.boost
        if isinstance(query, Phrase):
            return query.query_string, "and", boost
        if isinstance(query, Fuzzy):
            return query.query_string, query.operator, boost
        return None

    def _scored(self, searcher, index, plan, whoosh_filter, limit=None):
        """As _matching, for a plan evaluated by whoosh_topk: every match is scored, then the
        best `limit` (all if None) go through the filter and the queryset; when those drop so
        many that the page could come up short, the next best eight times as many follow."""
        if plan is None:
            return [], True
        scored = self._scores(searcher, index, plan)
        kept, done, n = [], 0, limit
        while True:
            order = topk.best(scored, n)
            chunk = order[done:]
            done = len(order)
            with reading(index):
                if whoosh_filter is not None and chunk:
                    allowed = topk.passing(searcher, whoosh_filter, chunk)
                    chunk = [doc for doc in chunk if doc in allowed]
                hits = self._pks(searcher, [(doc, scored[doc]) for doc in chunk])
            if hits:
                in_queryset = set(self._in_queryset([pk for pk, _score in hits]))
                kept += [(pk, score) for pk, score in hits if pk in in_queryset]
            complete = done >= len(scored)
            if complete or len(kept) >= limit - TOP_K_MARGIN:
                return kept, complete
            n *= 8

    def _scores(self, searcher, index, plan) -> dict[int, float]:
        """topk.scores, kept for the compiler's life (count and page share them)."""
        cache = self.__dict__.setdefault("_scores_cache", {})
        key = (id(searcher), plan)
        if key not in cache:
            with reading(index):
                cache[key] = topk.scores(searcher, plan)
        return cache[key]

    def count_in_index(self, backend) -> int | None:
        """The number of matches, from the index alone — None when only the database can
        tell (another query shape, or filters Whoosh only approximates). The database still
        decides which objects a page shows; a count needs no object."""
        mode, query = self._mode()
        plain = self._plain_args(query) if mode == "query" else None
        if plain is None or not self._has_tokens(query):
            return None
        index = backend.get_index_for_model(self.queryset.model)
        searcher = open_searcher(index.path, index.name)
        self._schema = searcher.schema
        whoosh_filter = self._whoosh_filter()
        if not self._filter_exact:
            return None
        total = 0
        for relaxed in (False, True):
            plan = self._plan(*plain, relaxed=relaxed)
            if plan is None:
                continue
            docs = list(self._scores(searcher, index, plan))
            if whoosh_filter is not None and docs:
                with reading(index):
                    docs = topk.passing(searcher, whoosh_filter, docs)
            total = len(docs)
            if total or not self._relaxable():
                break
        return total

    def _pks(self, searcher, docs) -> list[tuple[object, float]]:
        """(pk, score) of (document number, score) pairs; documents with a pk the model cannot
        read are left out."""
        to_python = self.queryset.model._meta.pk.to_python
        hits = []
        for doc, score in docs:
            try:
                hits.append((to_python(searcher.stored_fields(doc)[ws.PK]), score))
            except ValidationError:
                continue
        return hits

    def _matching(self, searcher, index, query, whoosh_filter, limit=None):
        """Hits of `query` that pass the filter and the queryset, and whether they are all.
        The filter is part of the query (scored 0), so Whoosh only visits documents that match
        the text; with `limit`, a top-k search that widens to all when the database drops so
        many hits that the page could come up short."""
        if query is not wq.NullQuery and whoosh_filter is not None:
            query = wq.And([query, wq.ConstantScoreQuery(whoosh_filter, 0.0)])
        hits, more = self._run(searcher, index, query, limit)
        if not hits:
            return [], True
        allowed = set(self._in_queryset([pk for pk, _score in hits]))
        kept = [(pk, score) for pk, score in hits if pk in allowed]
        if more and len(kept) < limit - TOP_K_MARGIN:
            return self._matching(searcher, index, query, None, None)
        return kept, not more

    def _in_queryset_all(self):
        return list(dict.fromkeys(self._ordered(self.queryset).values_list("pk", flat=True)))


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    """As search, but the last latin word of the query matches as a prefix (vi → vip), over the
    model's AutocompleteFields (its SearchFields if it has none). CJK needs no prefix: bigrams
    already match any part of a word."""

    AUTOCOMPLETE = True
