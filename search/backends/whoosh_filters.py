"""Filters of a Whoosh search (search.backends.whoosh): the queryset's filters translated into
a Whoosh filter that narrows the hits, which are then intersected with the queryset in the
database (the authority). Whoosh takes exact values, `in` and `isnull`; other lookups —
ranges, startswith, related fields — are left to the database alone."""

from __future__ import annotations

from whoosh import query as wq

from search.backends import whoosh_schema as ws


class _Filter:
    """A filter for Whoosh: `query` None means no restriction. `exact` is False when the
    filter only approximates (a superset of) the queryset's filter; it is then never negated."""

    __slots__ = ("query", "exact")

    def __init__(self, query, exact=True):
        self.query, self.exact = query, exact

    def __bool__(self):
        return True


_UNKNOWN = _Filter(None, exact=False)


class WhooshFilters:
    """The filter half of the query compiler (modelsearch calls these while it reads the
    queryset's WHERE clause)."""

    def _process_lookup(self, field_path, lookup, value):
        if len(field_path) != 1 or hasattr(value, "resolve_expression"):
            return _UNKNOWN  # related fields and expressions: the database filters alone
        field = field_path[0]
        model = self.queryset.model
        attname = field.get_attname(model)
        if lookup == "isnull":
            term = wq.Term(ws.ISNULL, attname)
            return _Filter(term if value else wq.Not(term))
        name = f"f_{attname}"
        if name not in self._schema:
            return _UNKNOWN
        kind = ws.filter_kind(field.get_type(model))
        try:
            if lookup == "exact":
                return _Filter(self._exact(name, kind, value))
            if lookup == "in":
                if not isinstance(value, list | tuple | set | frozenset):
                    return _UNKNOWN
                return _Filter(wq.Or([self._exact(name, kind, v) for v in value]).normalize())
            # Ranges (gt/gte/lt/lte: the API's validity window) are left to the database: a
            # Whoosh range expands into a numeric trie's terms in every segment, which cost
            # 20–50 ms per query at 100,000 scripts; the database checks a page of pks at once.
        except ws.UnknownValue:
            return _UNKNOWN
        return _UNKNOWN

    @staticmethod
    def _exact(name, kind, value):
        value = ws.convert(kind, value)
        if kind in ("datetime", "date"):
            return wq.DateRange(name, value, value)
        return wq.Term(name, value)

    def _process_match_none(self):
        return _Filter(wq.NullQuery)

    def _connect_filters(self, filters, connector, negated):
        exact = all(f.exact for f in filters)
        queries = [f.query for f in filters]
        if connector == "OR":
            if not queries or any(q is None for q in queries):
                result = _Filter(None, exact=exact and bool(queries))
            else:
                result = _Filter(wq.Or(queries), exact)
        else:
            known = [q for q in queries if q is not None]
            result = _Filter(wq.And(known) if known else None, exact)
        if negated:
            if not result.exact:
                return _UNKNOWN  # the negation of an approximation is not a superset
            return _Filter(wq.Not(result.query) if result.query is not None else wq.NullQuery)
        return result

    def _whoosh_filter(self):
        parts = []
        model = self.queryset.model._meta.concrete_model
        if model is not ws.root_model(model):
            parts.append(wq.Term(ws.CT, model._meta.label_lower))
        where = self._get_filters_from_queryset()
        # Whether the filter is the queryset's own (not a superset of it): then the index alone
        # can count the matches.
        self._filter_exact = where is None or where.exact
        if where is not None and where.query is not None:
            parts.append(where.query)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)
