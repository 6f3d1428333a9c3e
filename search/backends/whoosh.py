"""A modelsearch backend on a Whoosh 2.7 file index, with Chinese analysis from search.analysis.

Configuration (``WAGTAILSEARCH_BACKENDS``)::

    "default": {
        "BACKEND": "search.backends.whoosh",
        "PATH": str(DATA_DIR / "whoosh"),  # the index folder, created if missing
        "AUTO_UPDATE": True,
        "WRITE_TIMEOUT": 30,  # optional: seconds to wait for the index write lock
    }

The backend is split by concern, each module saying what it does:

* ``whoosh_schema``: one index per root concrete model, its fields and documents;
* ``whoosh_storage``: searchers, the write lock and writers, what a damaged index raises;
* ``whoosh_state``: missing / corrupt / locked / incomplete, and what counts as damage;
* ``whoosh_index``: writing documents, the journal of changes during a rebuild;
* ``whoosh_rebuild``: rebuilding while searches keep working;
* ``whoosh_compiler`` and ``whoosh_filters``: a query's search plan (search.plan, the same
  matching rules as search.backends.database) and the queryset's filters, for Whoosh;
* ``whoosh_topk``: plain-text queries evaluated from posting lists (same matches and scores
  as Whoosh's matchers, about 5× less time at 100,000 scripts);
* ``whoosh_results``: model instances in score order, counts, facets;
* ``whoosh_patches``: the one patch of Whoosh internals, for the pinned version only.

Matching (search.plan): every CJK bigram and latin word of the query is required, the jieba
words rank; a one-character query is a prefix; a query that finds nothing is tried again with
any of its bigrams (typos). Filters narrow the hits in Whoosh where it can take them exactly,
and the database intersects the hits with the queryset (it stays the authority).

Writes: one ``SegmentWriter`` per operation (a batch is one commit), waiting for the index's
file lock with retries until ``WRITE_TIMEOUT``; it never returns before the data is on disk, so
several worker processes can update one index without losing updates. Segments are separate
files, not one compound file (Whoosh copies a compound file into memory to read it). Saves
inside a transaction reach the index when it commits (after_commit.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from modelsearch.backends.base import BaseSearchBackend
from whoosh import query as wq

from search.backends import whoosh_patches
from search.backends import whoosh_schema as ws
from search.backends.after_commit import IndexAfterCommit
from search.backends.whoosh_compiler import WhooshSearchQueryCompiler
from search.backends.whoosh_index import WhooshIndex
from search.backends.whoosh_rebuild import WhooshRebuilder
from search.backends.whoosh_results import WhooshSearchResults
from search.backends.whoosh_state import IndexCorrupt, IndexLocked, IndexMissing
from search.backends.whoosh_storage import DEFAULT_WRITE_TIMEOUT, open_searcher, reading

__all__ = [
    "IndexCorrupt",
    "IndexLocked",
    "IndexMissing",
    "SearchBackend",
    "WhooshAutocompleteQueryCompiler",
    "WhooshIndex",
    "WhooshSearchBackend",
    "WhooshSearchQueryCompiler",
    "WhooshSearchResults",
    "open_searcher",
]


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    """As search, but the last latin word of the query matches as a prefix (vi → vip), over the
    model's AutocompleteFields (its SearchFields if it has none). CJK needs no prefix: bigrams
    already match any part of a word."""

    AUTOCOMPLETE = True


class WhooshSearchBackend(IndexAfterCommit, BaseSearchBackend):
    """Saves inside a transaction reach the file index when it commits (after_commit.py)."""

    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    index_class = WhooshIndex
    results_class = WhooshSearchResults
    rebuilder_class = WhooshRebuilder
    catch_indexing_errors = False  # a failed write raises: an update is never silently lost

    def __init__(self, params):
        whoosh_patches.apply()  # checks the pinned Whoosh version first
        super().__init__(params)
        path = params.get("PATH")
        if not path:
            data_dir = getattr(settings, "DATA_DIR", None)
            if not data_dir:
                raise ImproperlyConfigured(
                    "The Whoosh search backend needs a PATH for its index folder."
                )
            path = Path(data_dir) / "whoosh"
        self.path = str(Path(path).resolve())
        self.write_timeout = float(params.get("WRITE_TIMEOUT", DEFAULT_WRITE_TIMEOUT))
        os.makedirs(self.path, exist_ok=True)
        self._indexes: dict[str, WhooshIndex] = {}

    def indexed_ids(self, model) -> set[str]:
        """Primary keys of `model` in the index (for `search_index check`); empty if missing."""
        index = self.get_index_for_model(model)
        try:
            searcher = open_searcher(index.path, index.name)
        except IndexMissing:
            return set()
        label = model._meta.concrete_model._meta.label_lower
        with reading(index):
            return {
                searcher.stored_fields(docnum)[ws.PK]
                for docnum in searcher.docs_for_query(wq.Term(ws.CT, label))
            }

    def get_index_for_model(self, model):
        root = WhooshIndex._root(model)
        label = root._meta.label_lower
        if label not in self._indexes:
            self._indexes[label] = WhooshIndex(self, root)
        return self._indexes[label]


SearchBackend = WhooshSearchBackend
