"""Rebuilding a Whoosh index (search.backends.whoosh): upsert every object in batches, then
delete the documents of objects that no longer exist; searches keep answering meanwhile.

Rebuild upserts every object in batches of REBUILD_BATCH, each a new segment that is not merged
(merging was two thirds of a rebuild's time), then deletes documents of deleted objects; it
starts from an empty index only when the schema changed or the index is unreadable. Saves by
other processes during a rebuild are journalled (WhooshIndex.start_journal) and indexed again
at its end, so an older copy the rebuild read never wins.
"""

from __future__ import annotations

from whoosh.writing import NO_MERGE

from search.backends import whoosh_state
from search.backends.whoosh_index import WhooshIndex

#: A rebuild writes this many documents per segment (the write lock is held while it does).
REBUILD_BATCH = 10_000
#: Memory for sorting a rebuild batch's postings (about 1,000,000 for 10,000 scripts) without
#: spilling them to temporary files.
REBUILD_POOL_MB = 256


class _RebuildingIndex:
    """The index as the rebuild command sees it: each object is indexed once per rebuild, even
    though the command walks Script and then each of its proxies over the same rows.

    Documents are analysed as they come and written REBUILD_BATCH at a time, each batch one
    new segment that is not merged with others: Whoosh handles every posting once, instead of
    again at each merge (a 100,000-script rebuild spent two thirds of its time merging). The
    write lock is only held while a batch is written, so saves in the admin still go through.
    """

    def __init__(self, index: WhooshIndex):
        self.index = index
        self.seen: set[str] = set()
        self.pending: list[dict] = []

    def __getattr__(self, name):
        return getattr(self.index, name)

    def add_items(self, model, items):
        for obj in items:
            pk = str(obj.pk)
            if pk not in self.seen:
                self.seen.add(pk)
                self.pending.append(self.index._document(obj))
        if len(self.pending) >= REBUILD_BATCH:
            self.flush()

    def add_item(self, obj):
        self.add_items(obj._meta.model, [obj])

    def flush(self):
        if self.pending:
            self.index.write_documents(
                self.pending, pool_mb=REBUILD_POOL_MB, rebuild=True, mergetype=NO_MERGE
            )
            self.pending = []


class WhooshRebuilder:
    """Upsert every object, then delete the documents of objects that no longer exist.

    Searches keep answering from the old documents during the rebuild. The index is emptied
    first only if it is missing, unreadable, or its schema no longer matches search_fields.
    """

    def __init__(self, index: WhooshIndex):
        self.index = index
        self.wrapper = None
        self.before: set[str] = set()

    def start(self):
        if self.index._readable_with_current_schema():
            self.before = self.index.indexed_pks()
        else:
            self.index.reset()
            self.before = set()
        self.index.start_journal()
        self.wrapper = _RebuildingIndex(self.index)
        return self.wrapper

    def finish(self):
        self.wrapper.flush()
        # Only documents that were there before the rebuild and were not indexed again are
        # candidates: anything a worker added meanwhile is kept.
        self.index.finish_rebuild(self.before - self.wrapper.seen)
        whoosh_state.rebuilt(self.index)
