"""Search backends with the project's Chinese analysis: `whoosh` (embedded) and `database`."""


class DatabaseOrderingMixin:
    """For query compilers whose results keep the queryset's own ORDER BY when
    `order_by_relevance` is False (both of ours do): any field the database can sort on is
    allowed. modelsearch asks for a FilterField, which made sorting a searched admin listing
    by its Title column a server error."""

    def _get_order_by(self):
        return iter(())


INTEGER_PKS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def having_pks(queryset, pks):
    """`queryset.filter(pk__in=pks)`; on PostgreSQL integer pks are one array parameter: Django
    and psycopg spend ≈ 2 ms on a list of 500 placeholders (a search asks about 200–500)."""
    from django.db import connections
    from django.db.models.expressions import RawSQL

    integer = queryset.model._meta.pk.get_internal_type() in INTEGER_PKS
    if integer and connections[queryset.db].vendor == "postgresql":
        return queryset.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [list(pks)]))
    return queryset.filter(pk__in=pks)
