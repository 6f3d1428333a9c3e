"""The API kernel every app's router uses: problem documents (errors), JSON responses with ETags
and the body cache (responses), strict query parameters, dates and pagination (params), and the
middleware that keeps /api/ speaking JSON (middleware, input_guard, statement_timeout)."""

from .answers import cached_answer, memo
from .errors import (
    API_PREFIX,
    ERRORS,
    PROBLEM_JSON,
    ApiError,
    Problem,
    invalid,
    problem,
    problem_from,
)
from .params import (
    DEFAULT_LIMIT,
    MAX_ID,
    MAX_LIMIT,
    MAX_VALUES_PER_PARAMETER,
    aware,
    page,
    strict_query,
    to_utc,
)
from .responses import (
    JSON,
    UnicodeJSONRenderer,
    cache_call,
    cached_json,
    conditional,
    dumps,
    etag_matches,
    etag_response,
    iso,
    json_response,
    make_etag,
    not_modified,
    site_address,
)

__all__ = [
    "API_PREFIX",
    "DEFAULT_LIMIT",
    "ERRORS",
    "JSON",
    "MAX_ID",
    "MAX_LIMIT",
    "MAX_VALUES_PER_PARAMETER",
    "PROBLEM_JSON",
    "ApiError",
    "Problem",
    "UnicodeJSONRenderer",
    "aware",
    "cache_call",
    "cached_answer",
    "memo",
    "cached_json",
    "conditional",
    "dumps",
    "etag_matches",
    "etag_response",
    "invalid",
    "iso",
    "json_response",
    "make_etag",
    "not_modified",
    "site_address",
    "page",
    "problem",
    "problem_from",
    "strict_query",
    "to_utc",
]
