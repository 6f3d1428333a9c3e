"""Query parameters: strictness (unknown or over-repeated names are a 422), datetimes and ids
within range, and pagination."""

from __future__ import annotations

import functools
import inspect
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ApiError, invalid

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# A repeated query parameter (``tag=a&tag=b``) takes at most this many values: each one costs
# the database work, and no bot needs more (422 beyond it, naming the parameter).
MAX_VALUES_PER_PARAMETER = 20
MAX_ID = 2**63 - 1  # the largest primary key a database column holds


def to_utc(value: datetime, earliest: int = 1900) -> datetime:
    """An incoming datetime in UTC; without an offset it means Asia/Shanghai time. UTC because
    databases refuse unusual offsets such as +17:01 that ISO 8601 allows. ValueError when the
    year is outside [earliest, 2999] or the value cannot be converted."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("out of range") from None
    if not earliest <= value.year <= 2999:
        raise ValueError("out of range")
    return value


def aware(value: datetime | None, name: str = "updated_since") -> datetime | None:
    """A datetime query parameter in UTC, or a 422 naming it."""
    if value is None:
        return None
    try:
        return to_utc(value)
    except ValueError:
        raise invalid(["query", name], _("This date is out of range.")) from None


# Query parameters -----------------------------------------------------------------------------
def strict_query(view):
    """Refuse query parameters the view does not declare (422), so that a typo such as
    ``?persna=xiaomei`` is reported instead of silently returning everything, and parameters
    repeated more than MAX_VALUES_PER_PARAMETER times. A parameter named ``from_`` is spelt
    ``from`` in the query."""
    signature = inspect.signature(view, eval_str=True)  # ninja reads the wrapper's signature
    names = set(signature.parameters) - {"request"}
    allowed = {name.removesuffix("_") for name in names}

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        unknown = [name for name in request.GET if name not in allowed]
        if unknown:
            message = _("Unknown parameter.")
            raise ApiError(
                422,
                "validation_error",
                _("Unknown query parameters: %(names)s.") % {"names": ", ".join(unknown)},
                errors=[{"loc": ["query", name], "message": message} for name in unknown],
            )
        repeated = [
            n for n, values in request.GET.lists() if len(values) > MAX_VALUES_PER_PARAMETER
        ]
        if repeated:
            message = _("At most %(n)d values per parameter.") % {"n": MAX_VALUES_PER_PARAMETER}
            raise ApiError(
                422,
                "validation_error",
                message,
                errors=[{"loc": ["query", name], "message": message} for name in repeated],
            )
        return view(request, *args, **kwargs)

    wrapper.__signature__ = signature
    return wrapper


# Pagination ----------------------------------------------------------------------------------
def page(
    request: HttpRequest, queryset, limit: int, offset: int, serialize, *, load=None, direct=False
) -> dict[str, Any]:
    """``{"count", "next", "items"}`` for one page; `serialize` turns the page's objects into
    dicts (given the whole list, so it can batch its lookups). With `load(ids)` the page's
    objects (or plain rows) come from it, in the ids' order, instead of the queryset; with
    `direct` the page is read in one query (narrow rows: no ids first)."""
    count = queryset.count()
    objects = []
    if offset < count:
        # The page's ids first (a sort over narrow rows), then just those rows with their
        # relations: sorting whole rows to keep twenty is what made big lists slow.
        ids = [] if direct else list(queryset.values_list("pk", flat=True)[offset : offset + limit])
        if direct:
            objects = list(queryset[offset : offset + limit])
        elif load is not None:
            objects = load(ids)
        else:
            rows = {obj.pk: obj for obj in queryset.order_by().filter(pk__in=ids)}
            objects = [rows[pk] for pk in ids if pk in rows]
    following = None
    if offset + limit < count:
        params = request.GET.copy()
        params["offset"] = str(offset + limit)
        params["limit"] = str(limit)
        following = (
            request.build_absolute_uri(request.path)
            + "?"
            + urlencode(list(params.lists()), doseq=True)
        )
    return {"count": count, "next": following, "items": serialize(objects)}
