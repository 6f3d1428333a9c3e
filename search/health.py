"""Is every search index usable? For /api/v1/health and `search_index check`.

Each index the API and the admin search (scripts, personas, hot topics) is asked a real query
through the configured backend; a Whoosh index recreated by a save is reported incomplete
(search.backends.whoosh_state) even though it answers.
"""

from __future__ import annotations

import logging

from django.apps import apps
from wagtail.search.backends import get_search_backend

from core import search_types

from .backends.whoosh_state import IndexCorrupt, IndexMissing, is_incomplete

logger = logging.getLogger(__name__)


def indexes() -> dict[str, str]:
    """check name -> model label of every searchable type the apps registered
    (core.search_types); the names appear in /health's `checks` as search_<name>."""
    return {t.index_name: t.model for t in search_types.registered()}


PROBE = "健康检查"  # any query with tokens: it makes the backend read its postings


def incomplete(backend, model) -> bool:
    """Whether `model`'s index was recreated by a save and awaits a full rebuild."""
    path = getattr(backend, "path", None)
    if path is None or not hasattr(backend, "get_index_for_model"):
        return False  # the database backend's index lives in the database: never lost alone
    index = backend.get_index_for_model(model)
    return hasattr(index, "name") and is_incomplete(path, index.name)


def index_state(backend, model) -> str:
    """ "ok", "incomplete" (answers, but misses objects), "missing", "corrupt" or "error"."""
    try:
        list(backend.search(PROBE, model)[:1])
    except IndexCorrupt:
        return "corrupt"
    except IndexMissing:
        return "missing"
    except Exception:  # noqa: BLE001 - health reports any failure; the log has the cause
        logger.warning("Search index of %s failed its health check", model._meta.label,
                       exc_info=True)  # fmt: skip
        return "error"
    return "incomplete" if incomplete(backend, model) else "ok"


def check_indexes() -> dict[str, str]:
    """The state of each index, by name (see indexes())."""
    try:
        backend = get_search_backend()
    except Exception:  # noqa: BLE001 - a backend that cannot even be set up answers nothing
        logger.warning("The search backend cannot be set up", exc_info=True)
        return dict.fromkeys(indexes(), "error")
    return {name: index_state(backend, apps.get_model(label)) for name, label in indexes().items()}
