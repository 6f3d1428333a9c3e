"""The delivery API's fixtures (a bot scoped to xiaomei and dr-lin, an outsider persona)."""

from tests.api.conftest import (  # noqa: F401 (fixtures)
    _fresh_rate_counters,
    anonymous,
    api,
    bot,
    dr_lin,
    outsider,
    xiaomei,
)
