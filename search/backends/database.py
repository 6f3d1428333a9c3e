"""The database search backend with Chinese analysis: the index lives in the database.

For deployments with several app servers (no shared index folder): SQLite FTS5 on the embedded
database, `tsvector` with the `simple` configuration on PostgreSQL. It is modelsearch's own
database backend for the current vendor with two changes:

* indexing: every value goes through `search.analysis.index_text` first (space-separated jieba
  words and CJK bigrams), so the stock tokenisers see ready-made tokens;
* querying: a text query's plan (search.plan, the rules both backends compile) becomes "all
  the query's bigrams (and Latin words)", ranked by the database's BM25; when that finds
  nothing, "any of its bigrams" (typo tolerance); a one-character query is a prefix. The
  Whoosh backend matches the same documents (it also ranks jieba-word matches higher). Both
  vendors rank in the index table first (RankedFTS5Results; PostgreSQL: postgres_ranked).

Configure with ``{"BACKEND": "search.backends.database"}`` (plus modelsearch's usual options).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from functools import lru_cache

from django.db import connection
from modelsearch.backends.base import BaseSearchResults, EmptySearchResults
from modelsearch.query import And, MatchAll, Not, Or, Phrase, PlainText

from .. import analysis
from ..plan import plan_for
from . import DatabaseOrderingMixin, postgres_ranked

_PATCH_LOCK = threading.RLock()


def _plan_of(query):
    """The search plan of a text query (search.plan: analysed once per query text)."""
    text = query if isinstance(query, str) else getattr(query, "query_string", None)
    return plan_for(text or "")


def analyse_query(query):
    """The query with every text part compiled from its plan (the match: every required
    token); None if nothing is left. The plan's optional tokens are left out: modelsearch joins
    AND and OR lexemes without parentheses, so an OR part for ranking would loosen the match
    (FTS5 precedence)."""
    if isinstance(query, str):
        query = PlainText(query)
    if isinstance(query, MatchAll):
        return query
    if isinstance(query, (PlainText, Phrase)):
        operator = getattr(query, "operator", "and")
        clauses = _plan_of(query).clauses(operator)
        if clauses is None or not clauses.required:
            return None
        return PlainText(" ".join(clauses.required), operator="or" if clauses.any_of else "and")
    if isinstance(query, (And, Or)):
        parts = [analyse_query(sub) for sub in query.subqueries]
        parts = [p for p in parts if p is not None]
        return type(query)(parts) if parts else None
    if isinstance(query, Not):
        inner = analyse_query(query.subquery)
        return Not(inner) if inner is not None else None
    return query


def fallback_query(query):
    """The plan's typo fallback (any of its bigrams) for a text query that found nothing;
    None if not applicable."""
    text = query if isinstance(query, str) else getattr(query, "query_string", None)
    if not text:
        return None
    clauses = plan_for(text).clauses(fallback=True)
    if clauses is None:
        return None
    return PlainText(" ".join(clauses.required), operator="or")


def _indexer_for(base):
    class AnalysedObjectIndexer(base):
        def prepare_value(self, value):
            # The indexer asks for every field's value once for the title, once for the body
            # and once for autocomplete: segment each text once per object (a rebuild's cost).
            text = super().prepare_value(value)
            analysed = self.__dict__.setdefault("_analysed", {})
            if text not in analysed:
                analysed[text] = analysis.index_text(text)
            return analysed[text]

    return AnalysedObjectIndexer


@contextmanager
def _analysed_indexing(module):
    """modelsearch's index classes look the indexer up in their module at call time."""
    with _PATCH_LOCK:
        original = module.ObjectIndexer
        module.ObjectIndexer = _indexer_for(original)
        try:
            yield
        finally:
            module.ObjectIndexer = original


def _analysed_index_class(base, module):
    class AnalysedIndex(base):
        def add_items(self, model, objs):
            with _analysed_indexing(module):
                return super().add_items(model, objs)

        def add_item(self, obj):
            with _analysed_indexing(module):
                return super().add_item(obj)

    return AnalysedIndex


def _single_character(query) -> bool:
    """Whether the plan matches its one character as a prefix (燕 → 燕窝)."""
    return _plan_of(query).prefix is not None


@lru_cache
def _compiler(compiler_class, *, prefix: bool):
    """The compiler, sorting in the database; a one-character query (燕) matches the bigrams
    that start with it (燕窝, 燕麦) when `prefix`."""
    name = ("Prefix" if prefix else "Ordered") + compiler_class.__name__
    attrs = {"LAST_TERM_IS_PREFIX": True} if prefix else {}
    return type(name, (DatabaseOrderingMixin, compiler_class), attrs)


#: Up to this many index entries, a model may be searched entries first (see _where) ...
FEW_ENTRIES = 2000
#: ... when the text matches more than this many index rows per entry of the model: asking
#: FTS5 about one entry costs about as much as walking this many matches (measured: 1,000
#: calendar entries entries-first 1,085 ms, text first 9 ms, at 10,000 scripts).
PROBE_COST = 500
ENTRY_COUNT_TTL = 300.0
_ENTRY_COUNTS: dict[tuple, tuple[int, float]] = {}


class RankedFTS5Results(BaseSearchResults):
    """SQLite fast path for plain text queries: FTS5 ranks by bm25() and cuts to the best rows.

    modelsearch's SQLite results compute a correlated score subquery for every matching row and
    sort them all, which costs seconds for common terms on large indexes; FTS5 can rank and cut
    to the page itself. A page is found in two steps: the best `n` index rows by bm25 from the
    FTS table alone (as fast as bare FTS5), then which of those belong to the queryset — its
    model, and its filters asked about those pks. When the queryset drops so many that the
    page comes up short, SQLite joins every match to the queryset instead.
    """

    # bm25 weights for the FTS5 columns, in table order (autocomplete, body, title).
    WEIGHTS = (0.0, 1.0, 3.0)
    BM25 = "bm25({table}_fts, " + ", ".join(str(w) for w in WEIGHTS) + ")"
    #: Index rows ranked in the first round, beyond the page's end.
    MARGIN = 100
    match: str = ""
    #: Used when `match` finds nothing in the queryset (any of the query's bigrams: typos).
    fallback: str | None = None

    def _clone(self):
        clone = super()._clone()
        clone.match, clone.fallback = self.match, self.fallback
        return clone

    def _where(self, match: str):
        from modelsearch.conf import get_app_config

        table = get_app_config().get_model("IndexEntry")._meta.db_table
        queryset = self.query_compiler.queryset.order_by()
        pk_sql, pk_params = queryset.values("pk").query.sql_with_params()
        content_types = self._content_types()
        placeholders = ", ".join(["%s"] * len(content_types))
        # CROSS JOIN fixes SQLite's loop order. A model with few index entries (personas, hot
        # topics) walks its entries and asks FTS5 about each; otherwise every text match is
        # looked up in the entries (with the model's entries outside, 100,000 scripts would be
        # probed one by one: 60× slower for a common word).
        if self._entries_first(table, content_types, match):
            joined = f"{table} e CROSS JOIN {table}_fts f ON f.rowid = e.id"
        else:
            joined = f"{table}_fts f CROSS JOIN {table} e ON e.id = f.rowid"
        sql = (
            f"FROM {joined} WHERE {table}_fts MATCH %s AND e.content_type_id IN ({placeholders}) "
            f"AND CAST(e.object_id AS INTEGER) IN ({pk_sql})"
        )
        return table, sql, [match, *content_types, *pk_params]

    @classmethod
    def _entries_first(cls, table: str, content_types, match: str) -> bool:
        """Whether walking the model's few entries (asking FTS5 about each) is cheaper than
        walking the text's matches: the model has few entries and the text matches more than
        PROBE_COST index rows per entry (counted up to that bound: cheap)."""
        entries = cls._entry_count(table, content_types)
        if entries > FEW_ENTRIES:
            return False
        bound = entries * PROBE_COST
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {table}_fts "  # noqa: S608
                f"WHERE {table}_fts MATCH %s LIMIT %s)",
                [match, bound + 1],
            )
            return cursor.fetchone()[0] > bound

    @staticmethod
    def _entry_count(table: str, content_types) -> int:
        """The index rows of these content types, up to FEW_ENTRIES + 1 (counted at most every
        ENTRY_COUNT_TTL seconds per process)."""
        key = tuple(sorted(content_types))
        now = time.monotonic()
        cached = _ENTRY_COUNTS.get(key)
        if cached is None or cached[1] < now:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} "  # noqa: S608
                    f"WHERE content_type_id IN ({', '.join(['%s'] * len(key))}) LIMIT %s)",
                    [*key, FEW_ENTRIES + 1],
                )
                cached = _ENTRY_COUNTS[key] = (cursor.fetchone()[0], now + ENTRY_COUNT_TTL)
        return cached[0]

    def _content_types(self):
        from modelsearch.utils import get_descendants_content_types_pks

        return get_descendants_content_types_pks(self.query_compiler.queryset.model)

    def _best_rows(self, table: str, match: str, n: int) -> list[tuple[float, int, int]]:
        """(bm25 rank, content type, object pk) of the best `n` index rows matching the text,
        best first: FTS5 ranks alone (as fast as bare FTS5), then each row's entry is looked
        up by its id."""
        bm25 = self.BM25.format(table=table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT r.rank, e.content_type_id, CAST(e.object_id AS INTEGER) FROM ("  # noqa: S608
                f"SELECT rowid, {bm25} AS rank FROM {table}_fts "
                f"WHERE {table}_fts MATCH %s ORDER BY rank LIMIT %s"
                f") r CROSS JOIN {table} e ON e.id = r.rowid ORDER BY r.rank",
                [match, n],
            )
            return cursor.fetchall()

    def _allowed(self, pks: list[int]) -> set[int] | None:
        """The pks the queryset holds; None if it holds every object of its model."""
        queryset = self.query_compiler.queryset.order_by()
        if not queryset.query.where:
            return None
        allowed: set[int] = set()
        for start in range(0, len(pks), 500):  # SQLite's limit on parameters
            chunk = pks[start : start + 500]
            allowed.update(queryset.filter(pk__in=chunk).values_list("pk", flat=True))
        return allowed

    def scored_pks(self) -> list[tuple[int, float]]:
        """(pk, score) of this slice of the results, best first (the score is higher for
        better matches: bm25 negated), without loading the objects (search.query ranks its
        candidates by title before it loads the best)."""
        from modelsearch.conf import get_app_config

        table = get_app_config().get_model("IndexEntry")._meta.db_table
        end = None if self.stop is None else self.stop
        ranked = self._ranked(table, self.match, end)
        if not ranked and self.fallback:
            ranked = self._ranked(table, self.fallback, end)
        return [(pk, -rank) for pk, rank in ranked[self.start : end]]

    def _do_search(self):
        ranked = self.scored_pks()
        objects = self.query_compiler.queryset.in_bulk([pk for pk, _score in ranked])
        results = []
        for pk, score in ranked:
            obj = objects.get(pk)
            if obj is None:
                continue
            if self._score_field:
                setattr(obj, self._score_field, score)
            results.append(obj)
        return results

    def _ranked(self, table: str, match: str, end: int | None) -> list[tuple[int, float]]:
        """(pk, rank) of the best matches in the queryset, at least up to `end` (all if None);
        empty only if nothing in the queryset matches."""
        content_types = set(self._content_types())
        if end is not None and self._entry_count(table, content_types) > FEW_ENTRIES:
            n = end + self.MARGIN
            rows = self._best_rows(table, match, n)
            ranked = [(pk, rank) for rank, ct, pk in rows if ct in content_types]
            allowed = self._allowed([pk for pk, _rank in ranked])
            if allowed is not None:
                ranked = [(pk, rank) for pk, rank in ranked if pk in allowed]
            if len(rows) < n or len(ranked) >= end:
                return ranked
        # The queryset holds few of the best matches (another model's, a narrow filter): the
        # database joins every match to it instead.
        _table, where, params = self._where(match)
        bm25 = self.BM25.format(table=table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT CAST(e.object_id AS INTEGER), {bm25} AS rank "  # noqa: S608
                f"{where} ORDER BY rank LIMIT %s",
                [*params, -1 if end is None else end],
            )
            return cursor.fetchall()

    def _do_count(self):
        for match in (self.match, self.fallback):
            if match is None:
                continue
            _table, where, params = self._where(match)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) {where}", params)  # noqa: S608
                count = cursor.fetchone()[0]
            if count:
                return count
        return 0


def _fts5_match(query, *, prefix: bool) -> str | None:
    """An FTS5 MATCH expression over title and body for an analysed PlainText, else None."""
    if not isinstance(query, PlainText):
        return None
    tokens = [t for t in query.query_string.split() if t]
    if not tokens:
        return None
    joiner = " AND " if query.operator.lower() == "and" else " OR "
    star = "*" if prefix else ""
    terms = joiner.join('"' + t.replace('"', '""') + '"' + star for t in tokens)
    return "{title body} : (" + terms + ")"


class ChineseSearchMixin:
    def indexed_ids(self, model) -> set[str]:
        """Primary keys of `model` present in the index (for `search_index check`)."""
        from django.contrib.contenttypes.models import ContentType
        from modelsearch.conf import get_app_config

        IndexEntry = get_app_config().get_model("IndexEntry")
        content_type = ContentType.objects.get_for_model(model)
        return set(
            IndexEntry.objects.filter(content_type=content_type).values_list("object_id", flat=True)
        )

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        analysed = analyse_query(query)
        if analysed is None:
            return EmptySearchResults()
        prefix = _single_character(query)
        query_compiler_class = _compiler(query_compiler_class, prefix=prefix)
        results = self._search_analysed(
            query_compiler_class, analysed, model_or_queryset, prefix=prefix, **kwargs
        )
        fallback = fallback_query(query)
        if isinstance(results, RankedFTS5Results):  # falls back by itself, without a query more
            if fallback is not None:
                results.fallback = _fts5_match(fallback, prefix=False)
            return results
        if isinstance(results, postgres_ranked.RankedPostgresResults):  # the same on PostgreSQL
            return results.falling_back_to(fallback)
        if fallback is not None and results.count() == 0:
            return self._search_analysed(
                query_compiler_class, fallback, model_or_queryset, prefix=False, **kwargs
            )
        return results

    def _search_analysed(self, query_compiler_class, query, model_or_queryset, *, prefix, **kwargs):
        results = super()._search(query_compiler_class, query, model_or_queryset, **kwargs)
        if postgres_ranked.applies(results, query, kwargs):
            return postgres_ranked.RankedPostgresResults(self, results.query_compiler)
        match = _fts5_match(query, prefix=prefix)
        use_fast_path = (
            connection.vendor == "sqlite"
            and match is not None
            and kwargs.get("fields") is None
            and kwargs.get("order_by_relevance", True)
            and query_compiler_class.__name__.endswith("SQLiteSearchQueryCompiler")
            and isinstance(results, BaseSearchResults)
            and not isinstance(results, EmptySearchResults)
        )
        if not use_fast_path:
            return results
        fast = RankedFTS5Results(self, results.query_compiler)
        fast.match = match
        return fast


def SearchBackend(params):  # noqa: N802 - modelsearch looks for this name
    params = dict(params)
    if connection.vendor == "postgresql":
        from modelsearch.backends.database.postgres import postgres as module

        params.setdefault("SEARCH_CONFIG", "simple")
        base = module.PostgresSearchBackend
        index = module.PostgresIndex
    elif connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite import sqlite as module

        base = module.SQLiteSearchBackend
        index = module.SQLiteIndex
    else:  # pragma: no cover - MySQL is not a supported deployment
        raise NotImplementedError("The Chinese database backend supports SQLite and PostgreSQL.")

    backend_class = type(
        f"Chinese{base.__name__}",
        (ChineseSearchMixin, base),
        {"index_class": _analysed_index_class(index, module)},
    )
    return backend_class(params)
