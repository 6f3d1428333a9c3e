"""The Whoosh index of one root model (search.backends.whoosh): writing documents (one writer
and one commit per operation, under the index's write lock, data on disk before it returns)
and the journal of changes made while a rebuild runs (whoosh_rebuild)."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

from modelsearch.backends.base import BaseIndex
from whoosh import fields as wf
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, clean_files

from search.backends import whoosh_schema as ws
from search.backends import whoosh_state
from search.backends import whoosh_storage as storage_
from search.backends.whoosh_state import is_damage


class WhooshIndex(BaseIndex):
    def __init__(self, backend, model):
        super().__init__(backend)
        self.model = model  # the root concrete model
        self.name = model._meta.label_lower
        self.path = backend.path

    def __repr__(self):
        return f"<WhooshIndex {self.name} in {self.path}>"

    def get_key(self):
        return self.name

    # Schema and documents (whoosh_schema)

    def models(self) -> list:
        return ws.models_of(self.model)

    @staticmethod
    def _root(model):
        return ws.root_model(model)

    def schema(self) -> wf.Schema:
        return ws.schema_for(self.models())

    def _document(self, obj) -> dict:
        return ws.document(obj)

    # Writing

    def _storage(self) -> FileStorage:
        os.makedirs(self.path, exist_ok=True)
        return FileStorage(self.path)

    def _exists(self) -> bool:
        return os.path.isdir(self.path) and storage_.toc_signature(self.path, self.name) is not None

    def _lock(self, storage):
        return storage_.write_lock(self, storage)

    def _open_for_write(self):
        storage = self._storage()
        try:
            return storage.open_index(self.name)
        except EmptyIndexError:
            pass
        except Exception as error:
            if not is_damage(error):  # a bug of ours is not a damaged index
                raise
            raise storage_.corrupt(self.name, self.path, error) from error
        with self._lock(storage):
            if not self._exists():
                storage.create_index(self.schema(), self.name)
        return storage.open_index(self.name)

    def _writer(self, ix, pool_mb=None):
        return storage_.open_writer(self, ix, pool_mb)

    def _write(self, operation, pool_mb=None, **commit_options):
        """Run operation(writer, desired_schema) in one writer and commit it (data on disk)."""
        writer = self._writer(self._open_for_write(), pool_mb)
        try:
            desired = self.schema()
            for name, field in desired.items():  # fields added to search_fields since creation
                if name not in writer.schema:
                    writer.add_field(name, field)
            operation(writer, desired)
            if not commit_options:
                commit_options = {"mergetype": storage_.merge_when_many}
            writer.commit(**commit_options)
        except BaseException:
            with suppress(Exception):  # already closed by a failed commit
                writer.cancel()
            raise

    def add_model(self, model):
        if not self._exists():
            self._write(lambda writer, desired: None)

    def refresh(self):
        pass

    def reset(self):
        """Replace the index with an empty one with the current schema."""
        storage = self._storage()
        with self._lock(storage):
            storage.create_index(self.schema(), self.name)
            clean_files(storage, self.name, 0, [])
        storage_.forget_searcher(self.path, self.name)

    def add_items(self, model, items):
        docs = [self._document(obj) for obj in items]
        if docs and not self._exists():  # a save recreates a lost index: mark it incomplete
            whoosh_state.note_fresh_index(self, [doc[ws.PK] for doc in docs])
        self.write_documents(docs)

    def write_documents(self, documents, pool_mb=None, rebuild=False, **commit_options):
        """Add or replace (by pk) prepared documents, in one writer and one commit."""
        docs = {doc[ws.PK]: doc for doc in documents}  # the last one wins if a pk repeats
        if not docs:
            return

        def operation(writer, desired):
            if not rebuild:
                self._note_changes(docs)
            # update_document() would open a searcher per document: one for the batch.
            with writer.searcher() as searcher:
                for pk in docs:
                    writer.delete_by_term(ws.PK, pk, searcher=searcher)
            for doc in docs.values():
                writer.add_document(**ws.fit(doc, writer.schema, desired))

        self._write(operation, pool_mb, **commit_options)

    def delete_item(self, item):
        if not self._exists():
            return

        def operation(writer, desired):
            self._note_changes([str(item.pk)])
            writer.delete_by_term(ws.PK, str(item.pk))

        self._write(operation)

    # Rebuilding

    def _readable_with_current_schema(self) -> bool:
        try:
            ix = FileStorage(self.path).open_index(self.name)
        except EmptyIndexError:
            return False
        except Exception as error:
            if not is_damage(error):  # a bug of ours is not a damaged index
                raise
            return False  # damaged: start from an empty index
        return ws.same_schema(ix.schema, self.schema())

    def indexed_pks(self) -> set[str]:
        searcher = storage_.open_searcher(self.path, self.name)
        return {fields[ws.PK] for _docnum, fields in searcher.reader().iter_docs()}

    # While a rebuild runs, other writers list the pks they change in a journal beside the
    # index, under the write lock. The rebuild writes objects it may have read before such a
    # change; when it finishes, it indexes the journalled objects again from the database,
    # under the lock, and ends the journal.

    def _journal_paths(self) -> tuple[Path, Path]:
        base = Path(self.path)
        return base / f"{self.name}.rebuilding", base / f"{self.name}.changed"

    def _note_changes(self, pks):
        marker, journal = self._journal_paths()
        if marker.exists():
            with journal.open("a", encoding="utf-8") as file:
                file.write("".join(f"{pk}\n" for pk in pks))

    def start_journal(self):
        marker, journal = self._journal_paths()
        with self._lock(self._storage()):
            journal.unlink(missing_ok=True)
            marker.write_text(f"{os.getpid()}\n", encoding="utf-8")

    def finish_rebuild(self, candidates: set[str]):
        """Index the journalled objects again, delete the documents among `candidates` whose
        object is no longer indexed, and end the journal — in one commit, under the lock."""
        valid = set()
        for model in self.models():
            valid |= {str(pk) for pk in model.get_indexed_objects().values_list("pk", flat=True)}
        stale = candidates - valid
        marker, journal = self._journal_paths()

        def operation(writer, desired):
            changed = set()
            if journal.exists():
                changed = set(journal.read_text(encoding="utf-8").split())
            fresh = self.model.get_indexed_objects().filter(pk__in=changed) if changed else []
            docs = {doc[ws.PK]: doc for doc in map(self._document, fresh)}
            for pk in stale | changed:
                writer.delete_by_term(ws.PK, pk)
            for doc in docs.values():
                writer.add_document(**ws.fit(doc, writer.schema, desired))
            journal.unlink(missing_ok=True)
            marker.unlink(missing_ok=True)

        self._write(operation)
