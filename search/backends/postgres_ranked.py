"""PostgreSQL fast path of the database backend: ranked in the index table, then filtered.

modelsearch's PostgreSQL results join every text match to the searched model's table and rank
every match: at 100,000 scripts a common word (40,000 matches) took a second. Here a page is
found in the index table (`wagtailsearch_indexentry`) alone, the way `RankedFTS5Results` does on
SQLite, with one rule more that bounds the cost of a common word:

* **blocks, newest first**: a model's matches are taken in blocks of `BLOCK`, the most recently
  indexed first (index entry id, descending: the order objects were added to the index). Each
  block is ranked by modelsearch's own rank expression (the same `ts_rank` SQL, ties broken by
  the higher primary key), so a text matching at most `BLOCK` entries of a model is ranked
  exactly as modelsearch ranks it; a commoner text is ranked among its `BLOCK` most recent
  matches first, then the next `BLOCK`, and so on. The reason (notes/pgsearch.md): ranking
  40,000 matches costs more than the whole answer may (`ts_rank` reads every vector), among so
  many the rank separates little, and the recent ones are the ones a campaign runs on;
* **then the queryset**: the best pks of a block are asked to the queryset's filters (the page
  and a margin, then more of the block if the filters dropped too many), and the next block is
  read only while the page is not full;
* a queryset that keeps very few of the model's matches (a narrow filter) is joined to the
  matches in SQL instead, in the same order.

A block is read in windows of entry ids, newest first, sized by the density of matches met,
so it reads about BLOCK rows however common the text is. `count()` is exact when the model's
matches fit in one block; beyond, it is estimated from the first block and `count_estimated`
says so (an exact count reads every match). The order is the same for every queryset: the
model's order, restricted to the queryset (backend, API and admin alike).
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import F
from modelsearch.backends.base import BaseSearchResults
from modelsearch.query import PlainText

from . import INTEGER_PKS, having_pks

#: Matches ranked together: the most recent first (see the module's docstring).
BLOCK = 500
#: Pks asked to the queryset beyond the page's end in a first round.
MARGIN = 100
#: Blocks read in Python before the queryset is joined in SQL instead.
MAX_BLOCKS = 3
#: Entry ids read in a block's first window (then sized by the density met).
FIRST_WINDOW = 16 * BLOCK
ENTRIES_TTL = 300.0
_ENTRIES: dict[tuple, tuple[int, float]] = {}
#: Query texts whose SQL is kept per process (see _sql).
COMPILED_SIZE = 512
_COMPILED: dict[tuple, tuple] = {}


def applies(results, query, kwargs) -> bool:
    """Whether modelsearch's PostgreSQL `results` for the analysed `query` can take the fast
    path: a plain text query ranked by relevance over all the index's fields, on a model with
    integer primary keys."""
    from modelsearch.backends.database.postgres.postgres import PostgresSearchResults

    return (
        connection.vendor == "postgresql"
        and type(results) is PostgresSearchResults
        and isinstance(query, PlainText)
        and kwargs.get("fields") is None
        and kwargs.get("order_by_relevance", True)
        and results.query_compiler.queryset.model._meta.pk.get_internal_type() in INTEGER_PKS
    )


@dataclass(frozen=True)
class Block:
    """Up to BLOCK of a model's matches, best first, as (pk, rank); `next`: the entry id the
    next block starts below (None: no more matches); `found` matches among `span` entry ids."""

    rows: list[tuple[int, float]]
    next: int | None
    span: int
    found: int


def _best_first(rows: list[tuple[int, int, float]]) -> list[tuple[int, float]]:
    """(pk, rank) by rank, then the higher pk first (modelsearch's order)."""
    return [(pk, rank) for _id, pk, rank in sorted(rows, key=lambda r: (-r[2], -r[1]))]


class RankedPostgresResults(BaseSearchResults):
    """Search results ranked in the index table (see the module's docstring)."""

    #: The compiler of the typo fallback (any of the query's bigrams), used when the query
    #: finds nothing in the queryset; None if the query has none.
    fallback = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: Blocks read, by (compiler, before): shared by the clones (a count, then a page).
        self._blocks: dict = {}
        #: What the queryset's filters answered, by pk (shared too).
        self._known: dict[int, bool] = {}
        #: Whether count() estimated (added; see _count).
        self.count_estimated = False

    def falling_back_to(self, query) -> RankedPostgresResults:
        """These results, using `query` (the plan's typo fallback; None: none) when the query
        finds nothing in the queryset."""
        if query is not None:
            self.fallback = copy.copy(self.query_compiler)
            self.fallback.query = query
        return self

    def _clone(self):
        clone = super()._clone()
        clone.fallback, clone._blocks, clone._known = self.fallback, self._blocks, self._known
        return clone

    # -- SQL pieces ---------------------------------------------------------------------------

    def _sql(self, compiler):
        """(table, rank SQL, match SQL, params of each) for a query compiler: modelsearch's own
        expressions, on the index table's columns (compiled once per query text and process:
        the same for every model, ≈ 0.5 ms each)."""
        query = compiler.query
        key = (type(compiler), query.query_string, query.operator, query.boost,
               compiler.get_config(self.backend))  # fmt: skip
        compiled = _COMPILED.get(key)
        if compiled is None:
            compiled = self._compile(compiler)
            if len(_COMPILED) >= COMPILED_SIZE:
                _COMPILED.clear()
            _COMPILED[key] = compiled
        return compiled

    def _compile(self, compiler):
        from modelsearch.conf import get_app_config

        entries = get_app_config().get_model("IndexEntry").objects.all()
        config = compiler.get_config(self.backend)
        vectors = [(F("title"), F("title_norm")), (F("body"), 1.0)]
        rank = compiler._build_rank_expression(vectors, config)
        tsquery = compiler.build_tsquery(compiler.query, config=config)
        # Any of the query's terms: every match holds one in its title or its body.
        any_term = compiler.build_tsquery(
            PlainText(compiler.query.query_string, operator="or"), config=config
        )
        query = entries.query
        sql_compiler = query.get_compiler(connection=connection)
        rank_sql, rank_params = sql_compiler.compile(rank.resolve_expression(query))
        tsquery_sql, tsquery_params = sql_compiler.compile(tsquery.resolve_expression(query))
        any_sql, any_params = sql_compiler.compile(any_term.resolve_expression(query))
        table = connection.ops.quote_name(entries.model._meta.db_table)
        # The last test is the expression of the GIN index search_indexentry_title_body_gin
        # (migration 0001), but a walk by entry id tests it on every row it reads, and joining
        # the two vectors costs ≈ 6 µs a row (a window of 8,000 ids: 25 ms). The test before
        # it is cheaper (≈ 1.5 µs) and passes only rows holding one of the terms; written as
        # function calls, it is not matched to the title and body GIN indexes.
        match = (
            f"(ts_match_vq({table}.title, {any_sql}) OR ts_match_vq({table}.body, {any_sql})) "
            f"AND ({table}.title || {table}.body) @@ {tsquery_sql}"
        )
        return table, (rank_sql, rank_params), (match, [*any_params, *any_params, *tsquery_params])

    def _content_types(self) -> list[int]:
        from modelsearch.utils import get_descendants_content_types_pks

        return sorted(get_descendants_content_types_pks(self.query_compiler.queryset.model))

    def _filtered(self) -> bool:
        return bool(self.query_compiler.queryset.query.where)

    # -- ranking ------------------------------------------------------------------------------

    def _block(self, compiler, before: int | None) -> Block:
        """The next block of the model's matches: the BLOCK most recent entries older than entry
        `before` (None: the newest), best first. Read in windows of entry ids, newest first,
        sized by the density met so far, so that a block reads about BLOCK rows however common
        the text is (a walk by id reads BLOCK / density rows; ranking every match, all of them)."""
        key = (id(compiler), before)
        if key in self._blocks:
            return self._blocks[key]
        if before is None and self._entries() <= FIRST_WINDOW:
            block = self._blocks[key] = self._few(compiler)
            return block
        top = self._top() + 1 if before is None else before
        # A model with few entries (personas, hot topics) is read in one window.
        window = FIRST_WINDOW if self._entries() > FIRST_WINDOW else top
        hi, rows = top, []
        while True:
            need = BLOCK - len(rows)
            lo = max(hi - window, 0)
            found = self._window(compiler, lo, hi, need)
            rows += found
            if len(found) == need:  # full: the next block starts below its oldest entry
                block = Block(_best_first(rows), found[-1][0], top - found[-1][0], len(rows))
                break
            if lo == 0:
                block = Block(_best_first(rows), None, top, len(rows))
                break
            hi, density = lo, len(rows) / (top - lo)
            # None met yet: a rare word, or one of older campaigns (中秋 in spring): wider.
            window = max(1, int((BLOCK - len(rows)) / density * 1.5)) if density else window * 16
        self._blocks[key] = block
        return block

    def _few(self, compiler) -> Block:
        """The first block of a model with few entries (personas, hot topics): one window over
        all of them, without the newest entry's id (asked only if the block is full)."""
        rows = self._window(compiler, None, None, BLOCK)
        if len(rows) < BLOCK:
            return Block(_best_first(rows), None, rows[0][0] + 1 if rows else 0, len(rows))
        top = self._top() + 1
        return Block(_best_first(rows), rows[-1][0], top - rows[-1][0], len(rows))

    def _window(
        self, compiler, lo: int | None, hi: int | None, need: int
    ) -> list[tuple[int, int, float]]:
        """(entry id, pk, rank) of the model's matches with lo <= entry id < hi (None: all),
        the `need` newest first, ranked only after the cut."""
        table, (rank, rank_params), (match, match_params) = self._sql(compiler)
        cts = self._content_types()
        bounds = "" if lo is None else "AND id >= %s AND id < %s "
        sql = (
            f"SELECT id, CAST(object_id AS bigint), {rank} FROM ("  # noqa: S608
            f"SELECT id, object_id, title, body, title_norm FROM {table} "
            f"WHERE content_type_id IN ({', '.join(['%s'] * len(cts))}) AND {match} "
            f"{bounds}ORDER BY id DESC LIMIT %s) AS {table} ORDER BY id DESC"
        )
        params = [*rank_params, *cts, *match_params, *([] if lo is None else [lo, hi]), need]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _entries(self) -> int:
        """The model's index entries (counted at most every ENTRIES_TTL seconds per process)."""
        from modelsearch.conf import get_app_config

        cts = tuple(self._content_types())
        now = time.monotonic()
        cached = _ENTRIES.get(cts)
        if cached is None or cached[1] < now:
            table = get_app_config().get_model("IndexEntry")._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608
                    f"WHERE content_type_id IN ({', '.join(['%s'] * len(cts))})",
                    cts,
                )
                cached = _ENTRIES[cts] = (cursor.fetchone()[0], now + ENTRIES_TTL)
        return cached[0]

    def _top(self) -> int:
        """The newest index entry's id (0 if none)."""
        from modelsearch.conf import get_app_config

        table = get_app_config().get_model("IndexEntry")._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            return cursor.fetchone()[0]

    def _allowed(self, pks: list[int]) -> set[int]:
        """Which of `pks` the queryset holds (each pk asked once per search)."""
        unknown = [pk for pk in pks if pk not in self._known]
        if unknown:
            queryset = self.query_compiler.queryset.order_by()
            held = set(having_pks(queryset, unknown).values_list("pk", flat=True))
            self._known.update((pk, pk in held) for pk in unknown)
        return {pk for pk in pks if self._known[pk]}

    def _ranked(self, compiler, end: int | None) -> list[tuple[int, float]]:
        """(pk, rank) of the queryset's matches in order, at least up to `end` (all if None)."""
        filtered = self._filtered()
        ranked: list[tuple[int, float]] = []
        before, blocks = None, 0
        while end is None or len(ranked) < end:
            need = None if end is None else end - len(ranked)
            if filtered and blocks >= MAX_BLOCKS:  # the filters keep few: join them in SQL
                return ranked + self._joined(compiler, before, need)
            block = self._block(compiler, before)
            blocks += 1
            kept = block.rows
            ranked += self._keep(kept, need) if filtered else kept
            if block.next is None:
                break
            before = block.next
        return ranked

    def _keep(self, rows: list[tuple[int, float]], need: int | None) -> list[tuple[int, float]]:
        """The best rows of a block the queryset holds: at least `need` of them (or all), asked
        in widening rounds, from the page and a margin to the whole block."""
        kept: list[tuple[int, float]] = []
        asked = 0
        size = len(rows) if need is None else need + MARGIN
        while asked < len(rows):
            chunk = rows[asked : asked + size]
            allowed = self._allowed([pk for pk, _rank in chunk])
            kept += [(pk, rank) for pk, rank in chunk if pk in allowed]
            asked += len(chunk)
            if need is not None and len(kept) >= need:
                break
            size *= 4
        return kept

    def _joined(self, compiler, before: int | None, limit: int | None):
        """The queryset's matches older than entry `before`, in the same order as the blocks,
        found by joining the queryset's pks in SQL (for filters that keep few)."""
        table, (rank, rank_params), (match, match_params) = self._sql(compiler)
        cts = self._content_types()
        queryset = self.query_compiler.queryset.order_by().values("pk")
        pk_sql, pk_params = queryset.query.sql_with_params()
        older = "" if before is None else "AND id < %s "
        sql = (
            f"SELECT pk, {rank} AS rank FROM ("  # noqa: S608
            f"SELECT object_id, CAST(object_id AS bigint) AS pk, title, body, title_norm, "
            f"(row_number() OVER (ORDER BY id DESC) - 1) / %s AS block FROM {table} "
            f"WHERE content_type_id IN ({', '.join(['%s'] * len(cts))}) AND {match} {older}"
            f") AS {table} WHERE pk IN ({pk_sql}) ORDER BY block, rank DESC, pk DESC LIMIT %s"
        )
        params = [*rank_params, BLOCK, *cts, *match_params, *([before] if before else []),
                  *pk_params, limit]  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _compilers(self):
        return [c for c in (self.query_compiler, self.fallback) if c is not None]

    def scored_pks(self) -> list[tuple[int, float]]:
        """(pk, rank) of this slice of the results, best first, without loading the objects
        (search.query ranks its candidates by title before it loads the best)."""
        end = self.stop
        ranked: list[tuple[int, float]] = []
        for compiler in self._compilers():
            ranked = self._ranked(compiler, end)
            if ranked:
                break
        return ranked[self.start : end]

    def _do_search(self):
        ranked = self.scored_pks()
        objects = self.query_compiler.queryset.in_bulk([pk for pk, _rank in ranked])
        results = []
        for pk, rank in ranked:
            obj = objects.get(pk)
            if obj is None:  # deleted meanwhile
                continue
            if self._score_field:
                setattr(obj, self._score_field, rank)
            results.append(obj)
        return results

    def _do_count(self):
        for compiler in self._compilers():
            count = self._count(compiler)
            if count:
                return count
        return 0

    def _count(self, compiler) -> int:
        """Exact when the model's matches fit in one block (the queryset's among them);
        otherwise estimated from the first block — the density of matches among its entry ids
        times the model's entries, times the share the queryset keeps — and
        `count_estimated` is set (an exact count reads every match: 40,000 rows for a common
        word)."""
        block = self._block(compiler, None)
        pks = [pk for pk, _rank in block.rows]
        kept = len(self._allowed(pks)) if self._filtered() and pks else len(pks)
        if block.next is None:
            return kept
        self.count_estimated = True
        estimate = round(block.found / block.span * self._entries() * kept / len(pks))
        return max(estimate, kept)
