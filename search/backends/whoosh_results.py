"""Results of a Whoosh search (search.backends.whoosh): model instances in score order (or in
the queryset's order with ``order_by_relevance=False``); a count from the index alone when it
can tell; facets counted in the database over the hits."""

from __future__ import annotations

from collections import Counter, OrderedDict

from modelsearch.backends.base import BaseSearchResults, FilterFieldError

from search.backends.whoosh_compiler import MAX_IN_CLAUSE


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def _hits(self, wanted=None):
        return self.query_compiler.hits(self.backend, wanted)

    def scored_pks(self) -> list[tuple[int, float]]:
        """(pk, score) of this slice of the hits, best first, without loading the objects
        (search.query ranks its candidates by title before it loads the best); a query that
        matches everything has no scores (None) and the queryset's order."""
        compiler = self.query_compiler
        if compiler._mode()[0] == "all":
            queryset = compiler._ordered(compiler.queryset).values_list("pk", flat=True)
            return [(pk, None) for pk in queryset[self.start : self.stop]]
        return self._hits(self.stop)[self.start : self.stop]

    def _do_search(self):
        compiler = self.query_compiler
        if compiler._mode()[0] == "all":
            queryset = compiler._ordered(compiler.queryset)
            if self.prefetch_related:
                queryset = queryset.prefetch_related(*self.prefetch_related)
            objects = list(queryset[self.start : self.stop])
            if self._score_field:
                for obj in objects:
                    setattr(obj, self._score_field, None)
            return objects

        page = self.scored_pks()
        if not page:
            return []
        queryset = compiler.queryset.filter(pk__in=[pk for pk, _score in page])
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        objects = {obj.pk: obj for obj in queryset}
        results = []
        for pk, score in page:
            obj = objects.get(pk)
            if obj is None:  # deleted since the search
                continue
            if self._score_field:
                setattr(obj, self._score_field, score)
            results.append(obj)
        return results

    def _do_count(self):
        compiler = self.query_compiler
        if compiler._mode()[0] == "all":
            return compiler.queryset[self.start : self.stop].count()
        cached = compiler._hits_cache
        if cached is not None and cached[1]:  # every hit is known already
            total = len(cached[0])
        else:
            total = compiler.count_in_index(self.backend)
            if total is None:
                total = len(self._hits())
        stop = total if self.stop is None else min(self.stop, total)
        return max(0, stop - self.start)

    def facet(self, field_name):
        compiler = self.query_compiler
        field = compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to '
                f"{compiler.queryset.model.__name__}.search_fields.",
                field_name=field_name,
            )
        queryset = compiler.queryset.order_by()
        if compiler._mode()[0] == "all":
            rows = queryset.values_list(field_name, flat=True)
        else:
            pks = {pk for pk, _score in self._hits()}
            if len(pks) <= MAX_IN_CLAUSE:
                rows = queryset.filter(pk__in=list(pks)).values_list(field_name, flat=True)
            else:
                rows = (value for pk, value in queryset.values_list("pk", field_name) if pk in pks)
        return OrderedDict(Counter(rows).most_common())
