"""The database search backend with Chinese analysis: the index lives in the database.

For deployments with several app servers (no shared index folder): SQLite FTS5 on the embedded
database, `tsvector` with the `simple` configuration on PostgreSQL. It is modelsearch's own
database backend for the current vendor with two changes:

* indexing: every value goes through `search.analysis.index_text` first (space-separated jieba
  words and CJK bigrams), so the stock tokenisers see ready-made tokens;
* querying: a text query becomes "all the query's bigrams (and Latin words)", ranked by the
  database's BM25; when that finds nothing, "any of its bigrams" (typo tolerance). The Whoosh
  backend matches the same documents (it also ranks jieba-word matches higher).

Configure with ``{"BACKEND": "search.backends.database"}`` (plus modelsearch's usual options).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import connection
from modelsearch.backends.base import EmptySearchResults
from modelsearch.query import And, MatchAll, Not, Or, Phrase, PlainText

from .. import analysis

_PATCH_LOCK = threading.RLock()


def _is_cjk(token: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in token)


def analyse_query(query):
    """The query with every text part replaced by analysed tokens; None if nothing is left."""
    if isinstance(query, str):
        query = PlainText(query)
    if isinstance(query, MatchAll):
        return query
    if isinstance(query, (PlainText, Phrase)):
        words, grams = analysis.query_tokens(query.query_string)
        latin = [w for w in words if not _is_cjk(w)]
        required = grams + latin
        if not required:
            return None
        operator = getattr(query, "operator", "and")
        if operator.lower() == "or":
            return PlainText(" ".join(dict.fromkeys(words + grams)), operator="or")
        # Only the required tokens: modelsearch joins AND and OR lexemes without parentheses,
        # so an extra OR part for ranking would loosen the match (FTS5 precedence).
        return PlainText(" ".join(dict.fromkeys(required)), operator="and")
    if isinstance(query, (And, Or)):
        parts = [analyse_query(sub) for sub in query.subqueries]
        parts = [p for p in parts if p is not None]
        return type(query)(parts) if parts else None
    if isinstance(query, Not):
        inner = analyse_query(query.subquery)
        return Not(inner) if inner is not None else None
    return query


def fallback_query(query):
    """OR of the query's bigrams, for a text query that found nothing; None if not applicable."""
    text = query if isinstance(query, str) else getattr(query, "query_string", None)
    if not text:
        return None
    _words, grams = analysis.query_tokens(text)
    if len(grams) < 2:
        return None
    return PlainText(" ".join(grams), operator="or")


def _indexer_for(base):
    class AnalysedObjectIndexer(base):
        def prepare_value(self, value):
            return analysis.index_text(super().prepare_value(value))

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
    text = query if isinstance(query, str) else getattr(query, "query_string", "")
    words, grams = analysis.query_tokens(text or "")
    return len(grams) == 1 and len(grams[0]) == 1


def _prefix_compiler(compiler_class):
    """A one-character query (燕) matches the bigrams that start with it (燕窝, 燕麦)."""
    return type(
        f"Prefix{compiler_class.__name__}", (compiler_class,), {"LAST_TERM_IS_PREFIX": True}
    )


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
        if _single_character(query):
            query_compiler_class = _prefix_compiler(query_compiler_class)
        results = super()._search(query_compiler_class, analysed, model_or_queryset, **kwargs)
        fallback = fallback_query(query)
        if fallback is not None and results.count() == 0:
            return super()._search(query_compiler_class, fallback, model_or_queryset, **kwargs)
        return results


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
