"""Index writes that cannot roll back wait for the database commit.

modelsearch indexes on `post_save` (and deletes on `post_delete`), i.e. inside the transaction
that saves. For the Whoosh file index that write is permanent at once: `kill -9` during an import
(or any rollback) left documents of scripts that never existed, and the new text of scripts whose
change was rolled back. A backend with this mixin notes which objects changed and, when the
outermost transaction commits, indexes them again *from the database* — so what the index holds
is always committed data, whatever happened in between (several saves of one object, a save then
a delete, a rolled-back savepoint) — in one write per model instead of one per save.

Outside a transaction (a task worker, the rebuild command) writes go straight through. The
database backend does not use this: its index rows are in the same transaction as the data and
roll back with it.

A process killed between its commit and this write leaves the index behind the database:
`search_index check` lists what is missing, `search_index rebuild` repairs it (README).
"""

from __future__ import annotations

import logging
import threading

from django.db import connections, transaction

from search.backends import whoosh_state

logger = logging.getLogger(__name__)
CHUNK = 500


class _Batch:
    """Objects touched in one database transaction (per thread and connection alias)."""

    def __init__(self, alias: str, outermost):
        self.alias = alias
        self.outermost = outermost  # the transaction's outermost atomic block
        self.touched: dict[tuple, tuple[object, set]] = {}
        self.done = False

    def note(self, backend, model, pk) -> None:
        # modelsearch makes a new backend object for every save: group by what it writes to.
        key = (type(backend), getattr(backend, "path", id(backend)), model)
        self.touched.setdefault(key, (backend, set()))[1].add(pk)

    def flush(self) -> None:
        if self.done:  # every save registered this callback; the first one does the work
            return
        self.done = True
        if getattr(_local, self.alias, None) is self:
            delattr(_local, self.alias)
        for (_type, _where, model), (backend, pks) in self.touched.items():
            try:
                write_from_database(backend, model, pks)
            except Exception:
                # The data is committed; failing the request now would only hide that. The
                # index is behind: it is marked incomplete (`/health` and `search_index check`
                # say so) until a rebuild repairs it.
                logger.exception(
                    "The search index could not be updated for %d %s after a commit; "
                    "run `manage.py search_index rebuild`.",
                    len(pks),
                    model._meta.label,
                )
                _mark_behind(backend, model)


def _mark_behind(backend, model) -> None:
    try:
        whoosh_state.mark_incomplete(
            backend.get_index_for_model(model), "an update after a commit failed"
        )
    except Exception:  # noqa: BLE001 - the disk may be what failed; the log above says it
        logger.exception("Could not mark the search index for %s incomplete", model._meta.label)


_local = threading.local()


def write_from_database(backend, model, pks) -> None:
    """Index the objects `pks` of `model` as they are in the database; remove the others."""
    index = backend.get_index_for_model(model)
    pks = list(pks)
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        objects = list(model.get_indexed_objects().filter(pk__in=chunk))
        if objects:
            index.add_items(model, objects)
        found = {str(obj.pk) for obj in objects}
        for pk in chunk:
            if str(pk) not in found:
                # An unsaved stand-in: both backends delete by its pk (and content type).
                index.delete_item(model(pk=pk))


class IndexAfterCommit:
    """Mixin for a modelsearch backend whose index lives outside the database."""

    def _defer(self, model, pks, alias: str | None) -> bool:
        connection = connections[alias or "default"]
        if not connection.in_atomic_block:
            return False
        batch = getattr(_local, connection.alias, None)
        outermost = connection.atomic_blocks[0] if connection.atomic_blocks else None
        # A batch left by a transaction that rolled back as a whole is dropped: nothing of it
        # was committed. (One whose savepoint rolled back is kept: the commit re-reads it.)
        if batch is None or batch.done or batch.outermost is not outermost:
            batch = _Batch(connection.alias, outermost)
            setattr(_local, connection.alias, batch)
        for pk in pks:
            batch.note(self, model, pk)
        # Registered on every call: a callback registered inside a savepoint that is rolled
        # back is dropped by Django, and the batch must still be flushed by the commit.
        transaction.on_commit(batch.flush, using=connection.alias, robust=True)
        return True

    def add(self, obj):
        if not self._defer(type(obj), [obj.pk], obj._state.db):
            super().add(obj)

    def add_bulk(self, model, obj_list):
        obj_list = list(obj_list)
        alias = obj_list[0]._state.db if obj_list else None
        if not obj_list or not self._defer(model, [obj.pk for obj in obj_list], alias):
            super().add_bulk(model, obj_list)

    def delete(self, obj):
        if not self._defer(type(obj), [obj.pk], obj._state.db):
            super().delete(obj)
