"""What can be searched: each app registers its searchable types here (in its AppConfig.ready),
and search.query searches every registered type — search names no app, no model.

A type says which objects a search may return for a scope (`candidates`), how a hit shows
them (`describe`) and, for the re-ranking, what an object's title is. It lives in core, the
ground floor, so that personas and content (below search) can register without importing
search.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter


@dataclass(frozen=True)
class Scope:
    """Who searches for what: `persona_ids` None = every persona (else a bot's scope, never
    empty: search drops persona-bound types for an empty scope); the filters are the API's."""

    now: datetime.datetime
    persona_ids: list | None = None
    kind: str | None = None
    stage: str | None = None
    audience: str | None = None
    tags: list[str] | None = None
    live_only: bool = True
    #: The admin user searching (None = a bot or the API): each type returns only the models
    #: this user may view (`may_view`) and admin-only types answer only when it is set.
    user: object | None = None
    #: The admin's status filter: "live" (published) or "draft" (not published); types
    #: without a draft state have nothing for it.
    status: str | None = None


@dataclass(frozen=True)
class Shown:
    """How a hit shows an object: the API's hit fields besides type, title, highlight, score.
    `texts`: where the highlight is taken from — the first text that holds a query token, else
    the last one."""

    id: int | None
    slug: str | None
    kind: str | None
    persona: str | None
    texts: Sequence[str]
    #: For the admin's results: the object's primary key (the API shows slugs for personas
    #: and hot topics), its publishing status ("live", "changed", "draft" or a type's own
    #: label) and a short line under the title (persona, date, kind).
    pk: int | None = None
    status: str | None = None
    detail: str = ""
    #: The exact model whose editor opens the object (a script's kind), None = the type's.
    model: type | None = None


@dataclass(frozen=True, kw_only=True)
class SearchType:
    name: str  # the hit's `type` in the API ("script")
    model: str  # app_label.ModelName of the indexed model
    index_name: str  # /health's check is search_<index_name>
    #: The queryset to search for a scope, or None when the type has nothing for it (say, a
    #: `kind` filter on a type without kinds).
    candidates: Callable[[Scope], object | None]
    #: The model field holding an object's title: search ranks its candidates by their titles
    #: read from the database, without loading them (`title` reads it from an object).
    title_field: str | None = None
    #: An object's title (default: its `title_field`).
    title: Callable[[object], str] | None = None
    #: Shown for each of the best objects, in order (one call per search: batch look-ups).
    describe: Callable[[list], list[Shown]]
    #: Types with an order < others come first among equal scores.
    order: int = 100
    #: Whether the type belongs to personas: nothing for a bot whose scope is empty.
    persona_bound: bool = False

    def __post_init__(self):
        if self.title is None:
            if self.title_field is None:
                raise TypeError("A search type needs a title_field or a title.")
            object.__setattr__(self, "title", attrgetter(self.title_field))


_types: dict[str, SearchType] = {}


def register(search_type: SearchType) -> None:
    """Register (or replace, by name) a searchable type."""
    _types[search_type.name] = search_type


def registered() -> list[SearchType]:
    """Every registered type, in their order."""
    return sorted(_types.values(), key=lambda t: (t.order, t.name))


def get(name: str) -> SearchType | None:
    return _types.get(name)


#: Wagtail lists a snippet for a user holding any of these (its index view's rule).
LIST_ACTIONS = ("view", "change", "add", "delete", "publish")


def may_view(user, model) -> bool:
    """Whether an admin user may see `model`'s objects (the permission Wagtail's list asks:
    any of view/change/add/delete/publish on the exact — possibly proxy — model)."""
    if user is None:
        return True
    opts = model._meta
    return any(user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")
               for action in LIST_ACTIONS)  # fmt: skip
