"""A modelsearch backend on a Whoosh 2.7 file index, with Chinese analysis from search.analysis.

Configuration (``WAGTAILSEARCH_BACKENDS``)::

    "default": {
        "BACKEND": "search.backends.whoosh",
        "PATH": str(DATA_DIR / "whoosh"),  # the index folder, created if missing
        "AUTO_UPDATE": True,
        "WRITE_TIMEOUT": 30,  # optional: seconds to wait for the index write lock
    }

Layout: one Whoosh index per root concrete model, named by ``_meta.label_lower``
(``content.script`` holds every Script; the four proxies share it and are told apart by the
``kind`` FilterField, which the queryset filters on). A document has

* ``pk``: the primary key (unique, stored);
* ``ct``: the labels of the concrete model and its parents (multi-table inheritance);
* ``t_<name>``: ``analysis.index_text()`` of each SearchField (``t_<relation>__<name>`` for
  RelatedFields); ``a_<name>``: the same for AutocompleteFields;
* ``f_<attname>``: each top-level FilterField value (BOOLEAN / NUMERIC / DATETIME / ID);
  ``isnull``: the attnames whose value is None.

Matching, the same rules as search.backends.database:

* a PlainText/Phrase query with the "and" operator matches documents holding every CJK bigram
  of the query and every latin/digit word, each in any searched field;
* the query's jieba words that are not already bigrams (会员日, 双十一) are optional (SHOULD)
  terms: they only add score, so a document where jieba found the same word ranks above one
  that only holds the bigrams;
* a one-character CJK query matches the tokens starting with that character (燕 → 燕窝),
  since documents hold bigrams, not single characters;
* if that finds nothing and the query has two bigrams or more, the search runs again as an OR
  of the bigrams (typo tolerance: 冻干面摸 still finds 冻干面膜); the "or" operator is the OR
  of every token from the start;
* a query that analysis reduces to nothing (punctuation, emoji) finds nothing; queries are cut
  to MAX_QUERY_CHARS characters and MAX_QUERY_TERMS words and bigrams.

Score is Whoosh's BM25F (per-field BM25 summed over fields and terms), each field's score
multiplied by its SearchField ``boost`` (title ×3 on scripts). Plain-text queries (what the
admin and the API send) are evaluated by ``whoosh_topk`` from posting lists with set
operations — same matches, same scores, about 5× less time at 100,000 scripts; other query
shapes (And/Or/Not of queries) go through Whoosh's own matchers.

User input is never parsed as Whoosh query syntax: query objects are built from tokens, and
the tokens only ever contain CJK characters, a-z, 0-9 and ``._-``.

Filters: the queryset's filters are translated into a Whoosh filter to narrow the hits, then
the hits are intersected with the queryset in the database, which stays the authority. Whoosh
takes exact values, `in` and `isnull`; other lookups — ranges, startswith, related fields — are
left to the database alone. Results are model instances in score order (or in the queryset's
order with ``order_by_relevance=False``).

Writes: one ``SegmentWriter`` per operation (a batch is one commit), waiting for the index's
file lock with retries until ``WRITE_TIMEOUT``; it never returns before the data is on disk, so
several worker processes can update one index without losing updates. Segments are separate
files, not one compound file (Whoosh copies a compound file into memory to read it).

Rebuild upserts every object in batches of REBUILD_BATCH, each a new segment that is not merged
(merging was two thirds of a rebuild's time), then deletes documents of deleted objects, so
searches keep working meanwhile; it starts from an empty index only when the schema changed or
the index is unreadable. Saves by other processes during a rebuild are journalled and indexed
again at its end, so an older copy the rebuild read never wins.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import threading
import time
from collections import Counter, OrderedDict
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Manager
from django.utils import timezone
from django.utils.encoding import force_str
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterFieldError,
    get_model_root,
)
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    RelatedFields,
    SearchField,
    get_indexed_models,
)
from modelsearch.query import (
    And,
    Boost,
    Fuzzy,
    MatchAll,
    Not,
    Or,
    Phrase,
    PlainText,
)
from whoosh import fields as wf
from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, SpaceSeparatedTokenizer
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, LockError, clean_files
from whoosh.scoring import BM25F
from whoosh.writing import MERGE_SMALL, NO_MERGE

from search import analysis
from search.backends import DatabaseOrderingMixin, whoosh_state
from search.backends import whoosh_topk as topk
from search.backends.after_commit import IndexAfterCommit
from search.backends.whoosh_state import IndexCorrupt, IndexLocked, IndexMissing  # noqa: F401

logger = logging.getLogger(__name__)

REBUILD_HINT = "Run `python manage.py search_index rebuild` to build it."

# Queries are cut by analysis.query_tokens (MAX_QUERY_CHARS, MAX_QUERY_TERMS), for every backend.
#: Above this many hits, the hits are matched against the queryset in Python instead of
#: with one ``pk IN (...)`` query.
MAX_IN_CLAUSE = 500
TOP_K_MARGIN = 20  # extra hits fetched in a top-k search, for those the database drops
DEFAULT_WRITE_TIMEOUT = 30.0
#: Segments are merged once a commit would leave this many.
MERGE_AT_SEGMENTS = 8
#: A rebuild writes this many documents per segment (the write lock is held while it does).
REBUILD_BATCH = 10_000
#: Memory for sorting a rebuild batch's postings (about 1,000,000 for 10,000 scripts) without
#: spilling them to temporary files.
REBUILD_POOL_MB = 256

# Same character ranges as search.analysis (its CJK bigram runs).
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _cached_reader(self, fieldname, column):
    """Whoosh 2.7.4's W3PerDocReader caches the length reader of a field that has lengths but
    not the absence of one, so every posting of an ID or numeric field cost a file-exists
    check (a stat) while a segment was written or merged — a quarter of a rebuild's time.
    A segment's files never change once written, so the absence can be cached too."""
    try:
        return self._readers[fieldname]
    except KeyError:
        pass
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    self._readers[fieldname] = reader
    return reader


W3PerDocReader._cached_reader = _cached_reader  # Whoosh is unmaintained: patched here, once


# Schema ------------------------------------------------------------------------------------

PK = "pk"
CT = "ct"
ISNULL = "isnull"

_INT_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_STR_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField"}


def _filter_kind(internal_type: str) -> str:
    """How a FilterField is stored: bool, int, float, datetime, date, str or other (not stored)."""
    if internal_type in ("BooleanField", "NullBooleanField"):
        return "bool"
    if internal_type in _INT_TYPES:
        return "int"
    if internal_type == "FloatField":
        return "float"
    if internal_type == "DateTimeField":
        return "datetime"
    if internal_type == "DateField":
        return "date"
    if internal_type in _STR_TYPES:
        return "str"
    return "other"


def _analyzer():
    # Tokens come pre-analysed from analysis.index_text(); built from Whoosh's own classes so
    # the pickled schema can be loaded anywhere.
    return SpaceSeparatedTokenizer() | LowercaseFilter()


def _text_field():
    return wf.TEXT(analyzer=_analyzer(), phrase=False)


def _whoosh_filter_field(kind: str):
    if kind == "bool":
        return wf.BOOLEAN()
    if kind == "int":
        return wf.NUMERIC(int, bits=64, signed=True)
    if kind == "float":
        return wf.NUMERIC(float, bits=64, signed=True)
    if kind in ("datetime", "date"):
        return wf.DATETIME()
    return wf.ID()


def _field_signature(field) -> tuple:
    return (type(field).__name__, getattr(field, "numtype", None))


def _merge_when_many(writer, segments):
    """Merge policy: leave segments alone until there are many (a commit per saved object
    would otherwise re-merge the small segments every time), then merge the small ones.
    Segments whose documents are all deleted are dropped (that needs no merging)."""
    segments = [segment for segment in segments if segment.doc_count() > 0]
    if len(segments) < MERGE_AT_SEGMENTS:
        return segments
    return MERGE_SMALL(writer, segments)


class _UnknownValue(Exception):
    pass


def _to_utc_naive(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(value):
        if not settings.USE_TZ:
            return value
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value.astimezone(datetime.UTC).replace(tzinfo=None)


def _convert(kind: str, value):
    """A FilterField value as stored in Whoosh; raises _UnknownValue if it cannot be."""
    try:
        if kind == "bool" and isinstance(value, bool | int):
            return bool(value)
        if kind == "int" and isinstance(value, int | str) and not isinstance(value, bool):
            return int(value)
        if kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if kind == "datetime" and isinstance(value, datetime.datetime):
            return _to_utc_naive(value)
        if kind == "date" and isinstance(value, datetime.date):
            if isinstance(value, datetime.datetime):
                value = value.date()
            return datetime.datetime(value.year, value.month, value.day)
        if kind == "str" and isinstance(value, str):
            return value
    except (TypeError, ValueError, OverflowError) as error:
        raise _UnknownValue from error
    raise _UnknownValue


def _prepare_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | set):
        return "\n".join(_prepare_text(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(_prepare_text(item) for item in value.values())
    return force_str(value)


def _related_objects(field: RelatedFields, obj) -> list:
    sub = field.get_value(obj)
    if sub is None:
        return []
    if isinstance(sub, Manager):
        return list(sub.all())
    if callable(sub):
        sub = sub()
    return [sub]


class _TextSpec:
    """A text field of the index: Whoosh name, boost and the name used in ``fields=[...]``."""

    __slots__ = ("name", "boost", "lookup")

    def __init__(self, name, boost, lookup):
        self.name, self.boost, self.lookup = name, boost, lookup


def _text_specs(search_fields, field_class, prefix, lookup_prefix="") -> list[_TextSpec]:
    specs = []
    for field in search_fields:
        if isinstance(field, RelatedFields):
            specs += _text_specs(
                field.fields, field_class, prefix, f"{lookup_prefix}{field.field_name}__"
            )
        elif type(field) is field_class:
            lookup = lookup_prefix + field.field_name
            boost = float(getattr(field, "boost", None) or 1.0)
            specs.append(_TextSpec(f"{prefix}{lookup}", boost, lookup))
    return specs


def _search_specs(model) -> list[_TextSpec]:
    return _text_specs(model.get_search_fields(), SearchField, "t_")


def _autocomplete_specs(model) -> list[_TextSpec]:
    return _text_specs(model.get_search_fields(), AutocompleteField, "a_")


def _filter_specs(model) -> list[tuple[str, str, FilterField]]:
    """(whoosh name, kind, field) for the model's top-level FilterFields."""
    return [
        (f"f_{field.get_attname(model)}", _filter_kind(field.get_type(model)), field)
        for field in model.get_search_fields()
        if isinstance(field, FilterField)
    ]


def _model_labels(model) -> str:
    concrete = model._meta.concrete_model
    return " ".join(m._meta.label_lower for m in [concrete, *concrete._meta.get_parent_list()])


# Reading -----------------------------------------------------------------------------------


class _Searchers(threading.local):
    """Open searchers, one per index and thread, reopened when the index changes on disk."""

    def __init__(self):
        self.entries: dict[tuple[int, str, str], tuple[tuple, object]] = {}


_searchers = _Searchers()


def _toc_signature(path: str, name: str):
    """Identifies the current index version; None if there is no index."""
    pattern = re.compile(rf"^_{re.escape(name)}_([0-9]+)\.toc$")
    generations = [int(m.group(1)) for f in os.listdir(path) if (m := pattern.match(f))]
    if not generations:
        return None
    generation = max(generations)
    stat = os.stat(os.path.join(path, f"_{name}_{generation}.toc"))
    return (generation, stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _open_searcher(path: str, name: str):
    """A searcher on the latest version of the index; IndexMissing/IndexCorrupt if there is none."""
    key = (os.getpid(), path, name)  # never reuse file handles inherited through fork()
    last_error = None
    for _attempt in range(3):
        if not os.path.isdir(path):
            raise IndexMissing(f"The search index folder {path} does not exist. {REBUILD_HINT}")
        try:
            signature = _toc_signature(path, name)
        except OSError as error:  # a TOC file replaced while listing: look again
            last_error = error
            continue
        if signature is None:
            raise IndexMissing(f"The search index “{name}” is missing from {path}. {REBUILD_HINT}")
        cached = _searchers.entries.get(key)
        if cached and cached[0] == signature:
            return cached[1]
        if cached:
            _searchers.entries.pop(key, None)
            _close_quietly(cached[1])
        try:
            ix = FileStorage(path).open_index(name)
            searcher = ix.searcher(weighting=BM25F())
        except EmptyIndexError as error:
            raise IndexMissing(
                f"The search index “{name}” is missing from {path}. {REBUILD_HINT}"
            ) from error
        except OSError as error:  # files removed by a concurrent commit or rebuild: retry
            last_error = error
            continue
        except Exception as error:  # noqa: BLE001 - anything Whoosh raises on a damaged index
            raise IndexCorrupt(
                f"The search index “{name}” in {path} cannot be read ({error!r}). {REBUILD_HINT}"
            ) from error
        _searchers.entries[key] = (signature, searcher)
        return searcher
    raise IndexCorrupt(
        f"The search index “{name}” in {path} cannot be read ({last_error!r}). {REBUILD_HINT}"
    ) from last_error


def _forget_searcher(path: str, name: str):
    cached = _searchers.entries.pop((os.getpid(), path, name), None)
    if cached:
        _close_quietly(cached[1])


def _close_quietly(searcher):
    with suppress(Exception):  # closing a stale reader is best effort
        searcher.close()


# Index -------------------------------------------------------------------------------------


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

    # Schema

    def models(self) -> list:
        models = [m for m in get_indexed_models() if self._root(m) is self.model]
        return models or [self.model]

    @staticmethod
    def _root(model):
        return get_model_root(model)._meta.concrete_model

    def schema(self) -> wf.Schema:
        schema = wf.Schema(
            pk=wf.ID(stored=True, unique=True),
            ct=wf.KEYWORD(lowercase=False, commas=False, scorable=False),
            isnull=wf.KEYWORD(lowercase=False, commas=False, scorable=False),
        )
        for model in self.models():
            for spec in _search_specs(model) + _autocomplete_specs(model):
                if spec.name not in schema:
                    schema.add(spec.name, _text_field())
            for name, kind, _field in _filter_specs(model):
                if name not in schema and kind != "other":
                    schema.add(name, _whoosh_filter_field(kind))
        return schema

    # Documents

    def _document(self, obj) -> dict:
        model = type(obj)
        doc = {PK: str(obj.pk), CT: _model_labels(model)}
        texts: dict[str, list[str]] = {}
        self._collect_texts(obj, model.get_search_fields(), "", texts)
        for name, parts in texts.items():
            doc[name] = analysis.index_text("\n".join(p for p in parts if p))
        nulls = []
        for name, kind, field in _filter_specs(model):
            value = field.get_value(obj)
            if value is None:
                nulls.append(field.get_attname(model))
            elif kind != "other":
                try:
                    doc[name] = _convert(kind, value)
                except _UnknownValue:
                    logger.warning("Cannot index %s=%r of %r", name, value, obj)
        doc[ISNULL] = " ".join(nulls)
        return doc

    def _collect_texts(self, obj, search_fields, lookup_prefix, texts):
        for field in search_fields:
            if isinstance(field, RelatedFields):
                for sub in _related_objects(field, obj):
                    self._collect_texts(
                        sub, field.fields, f"{lookup_prefix}{field.field_name}__", texts
                    )
            elif type(field) is SearchField:
                name = f"t_{lookup_prefix}{field.field_name}"
                texts.setdefault(name, []).append(_prepare_text(field.get_value(obj)))
            elif type(field) is AutocompleteField:
                name = f"a_{lookup_prefix}{field.field_name}"
                texts.setdefault(name, []).append(_prepare_text(field.get_value(obj)))

    # Writing

    def _storage(self) -> FileStorage:
        os.makedirs(self.path, exist_ok=True)
        return FileStorage(self.path)

    def _exists(self) -> bool:
        return os.path.isdir(self.path) and _toc_signature(self.path, self.name) is not None

    @contextmanager
    def _lock(self, storage):
        """The index's write lock (the one Whoosh writers take), waited for until the deadline."""
        lock = storage.lock(f"{self.name}_WRITELOCK")
        deadline = time.monotonic() + self.backend.write_timeout
        delay = 0.01
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise IndexLocked(
                    f"Timed out after {self.backend.write_timeout:g}s waiting for the write lock "
                    f"of the search index “{self.name}” in {self.path}."
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
        try:
            yield
        finally:
            lock.release()

    def _open_for_write(self):
        storage = self._storage()
        try:
            return storage.open_index(self.name)
        except EmptyIndexError:
            pass
        except Exception as error:  # noqa: BLE001 - anything Whoosh raises on a damaged index
            raise IndexCorrupt(
                f"The search index “{self.name}” in {self.path} cannot be read ({error!r}). "
                f"{REBUILD_HINT}"
            ) from error
        with self._lock(storage):
            if not self._exists():
                storage.create_index(self.schema(), self.name)
        return storage.open_index(self.name)

    def _writer(self, ix, pool_mb=None):
        """One writer for the whole operation, retried on LockError until WRITE_TIMEOUT.
        Whoosh sorts postings in memory up to `pool_mb`, then spills them to temporary files."""
        deadline = time.monotonic() + self.backend.write_timeout
        delay = 0.01
        while True:
            remaining = deadline - time.monotonic()
            try:
                return ix.writer(
                    timeout=max(0.0, min(remaining, 1.0)),
                    delay=0.01,
                    compound=False,
                    limitmb=pool_mb or 128,
                )
            except LockError:
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"Timed out after {self.backend.write_timeout:g}s waiting for the write "
                        f"lock of the search index “{self.name}” in {self.path}."
                    ) from None
                time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
                delay = min(delay * 2, 0.2)

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
                commit_options = {"mergetype": _merge_when_many}
            writer.commit(**commit_options)
        except BaseException:
            with suppress(Exception):  # already closed by a failed commit
                writer.cancel()
            raise

    @staticmethod
    def _fit(doc: dict, writer_schema, desired) -> dict:
        """Drop values of fields whose type in the existing index differs (until a rebuild)."""
        return {
            name: value
            for name, value in doc.items()
            if name in writer_schema
            and name in desired
            and _field_signature(writer_schema[name]) == _field_signature(desired[name])
        }

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
        _forget_searcher(self.path, self.name)

    def add_items(self, model, items):
        docs = [self._document(obj) for obj in items]
        if docs and not self._exists():  # a save recreates a lost index: mark it incomplete
            whoosh_state.note_fresh_index(self, [doc[PK] for doc in docs])
        self.write_documents(docs)

    def write_documents(self, documents, pool_mb=None, rebuild=False, **commit_options):
        """Add or replace (by pk) prepared documents, in one writer and one commit."""
        docs = {doc[PK]: doc for doc in documents}  # the last one wins if a pk repeats
        if not docs:
            return

        def operation(writer, desired):
            if not rebuild:
                self._note_changes(docs)
            # update_document() would open a searcher per document: one for the batch.
            with writer.searcher() as searcher:
                for pk in docs:
                    writer.delete_by_term(PK, pk, searcher=searcher)
            for doc in docs.values():
                writer.add_document(**self._fit(doc, writer.schema, desired))

        self._write(operation, pool_mb, **commit_options)

    def delete_item(self, item):
        if not self._exists():
            return

        def operation(writer, desired):
            self._note_changes([str(item.pk)])
            writer.delete_by_term(PK, str(item.pk))

        self._write(operation)

    # Rebuilding

    def _readable_with_current_schema(self) -> bool:
        try:
            ix = FileStorage(self.path).open_index(self.name)
        except Exception:  # noqa: BLE001 - missing or damaged: start from an empty index
            return False
        current = {name: _field_signature(field) for name, field in ix.schema.items()}
        desired = {name: _field_signature(field) for name, field in self.schema().items()}
        return current == desired

    def indexed_pks(self) -> set[str]:
        searcher = _open_searcher(self.path, self.name)
        return {fields[PK] for _docnum, fields in searcher.reader().iter_docs()}

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
            docs = {doc[PK]: doc for doc in map(self._document, fresh)}
            for pk in stale | changed:
                writer.delete_by_term(PK, pk)
            for doc in docs.values():
                writer.add_document(**self._fit(doc, writer.schema, desired))
            journal.unlink(missing_ok=True)
            marker.unlink(missing_ok=True)

        self._write(operation)


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


# Query compiler ----------------------------------------------------------------------------


class _Filter:
    """A filter for Whoosh: `query` None means no restriction. `exact` is False when the
    filter only approximates (a superset of) the queryset's filter; it is then never negated."""

    __slots__ = ("query", "exact")

    def __init__(self, query, exact=True):
        self.query, self.exact = query, exact

    def __bool__(self):
        return True


_UNKNOWN = _Filter(None, exact=False)


class WhooshSearchQueryCompiler(DatabaseOrderingMixin, BaseSearchQueryCompiler):
    DEFAULT_OPERATOR = "and"
    HANDLES_ORDER_BY_EXPRESSIONS = True  # the database orders the hits
    AUTOCOMPLETE = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._hits_cache = None
        self._schema = None

    # Text fields and tokens

    def _specs(self) -> list[_TextSpec]:
        model = self.queryset.model
        specs = _search_specs(model)
        if self.AUTOCOMPLETE:
            specs = _autocomplete_specs(model) or specs
        if self.fields:
            specs = [
                s
                for s in specs
                if any(s.lookup == f or s.lookup.startswith(f + "__") for f in self.fields)
            ]
        specs = [s for s in specs if s.name in self._schema]
        return specs

    @staticmethod
    def _tokens(text):
        return analysis.query_tokens(text)

    def _plan(self, text, operator, boost=1.0, relaxed=False) -> topk.Plan | None:
        """The documents a plain-text query matches and how they score (see the module
        docstring); None when nothing can match."""
        words, grams = self._tokens(text)
        specs = self._specs()
        if not specs or not (words or grams) or (relaxed and len(grams) < 2):
            return None
        fields = tuple(topk.Field(spec.name, spec.boost or 1.0) for spec in specs)
        gram_set = set(grams)
        latin = [w for w in words if not _CJK.search(w)]
        extra_words = [w for w in words if _CJK.search(w) and w not in gram_set]
        # A one-character query (燕) matches the bigrams that start with it (燕窝), as in the
        # database backend: documents hold bigrams, not single characters.
        single = grams[0] if len(grams) == 1 and len(grams[0]) == 1 else None
        # Autocomplete: the last latin word is a prefix (vi → vip).
        last = words[-1] if self.AUTOCOMPLETE and words and not _CJK.search(words[-1]) else None

        def tokens(texts, *, optional=False):
            return tuple(topk.Token(t, prefix=not optional and t in (single, last)) for t in texts)

        if operator == "or":
            required, optional, any_of = dict.fromkeys(grams + latin + extra_words), [], True
        elif relaxed:
            required, optional, any_of = grams, extra_words + latin, True
        else:
            required, optional, any_of = dict.fromkeys(grams + latin), extra_words, False
        return topk.Plan(fields, tokens(required), tokens(optional, optional=True), any_of, boost)

    def _plain_text(self, text, operator, boost=1.0, relaxed=False):
        """The Whoosh query of a plan (for query shapes the top-k evaluator does not take)."""
        plan = self._plan(text, operator, boost, relaxed)
        return wq.NullQuery if plan is None else topk.as_whoosh_query(plan)

    def _has_tokens(self, query) -> bool:
        """False for a text query that analysis reduces to nothing (punctuation, emoji)."""
        while isinstance(query, Boost):
            query = query.subquery
        if isinstance(query, PlainText | Phrase | Fuzzy):
            words, grams = self._tokens(query.query_string)
            return bool(words or grams)
        return True

    def _build(self, query, relaxed=False, boost=1.0):
        if isinstance(query, PlainText):
            return self._plain_text(
                query.query_string, query.operator, boost * query.boost, relaxed=relaxed
            )
        if isinstance(query, Phrase):
            return self._plain_text(query.query_string, "and", boost, relaxed=relaxed)
        if isinstance(query, Fuzzy):
            return self._plain_text(query.query_string, query.operator, boost, relaxed=relaxed)
        if isinstance(query, Boost):
            return self._build(query.subquery, relaxed=relaxed, boost=boost * query.boost)
        if isinstance(query, MatchAll):
            return wq.Every()
        if isinstance(query, Not):
            return wq.Not(self._build(query.subquery, boost=boost))
        if isinstance(query, And):
            return wq.And([self._build(q, boost=boost) for q in query.subqueries])
        if isinstance(query, Or):
            return wq.Or([self._build(q, boost=boost) for q in query.subqueries])
        raise NotImplementedError(
            f"`{query.__class__.__name__}` is not supported by the Whoosh search backend."
        )

    def _relaxable(self) -> bool:
        query = self.query
        while isinstance(query, Boost):
            query = query.subquery
        return isinstance(query, Phrase) or (
            isinstance(query, PlainText | Fuzzy) and query.operator == "and"
        )

    def _mode(self):
        """("all" | "none" | "not" | "query", the query to run)."""
        query = self.query
        while isinstance(query, Boost):
            query = query.subquery
        if isinstance(query, MatchAll):
            return "all", None
        if isinstance(query, Not):
            inner = query.subquery
            while isinstance(inner, Boost):
                inner = inner.subquery
            if isinstance(inner, MatchAll):
                return "none", None
            return "not", inner
        return "query", self.query

    # Filters

    def _process_lookup(self, field_path, lookup, value):
        if len(field_path) != 1 or hasattr(value, "resolve_expression"):
            return _UNKNOWN  # related fields and expressions: the database filters alone
        field = field_path[0]
        model = self.queryset.model
        attname = field.get_attname(model)
        if lookup == "isnull":
            term = wq.Term(ISNULL, attname)
            return _Filter(term if value else wq.Not(term))
        name = f"f_{attname}"
        if name not in self._schema:
            return _UNKNOWN
        kind = _filter_kind(field.get_type(model))
        try:
            if lookup == "exact":
                return _Filter(self._exact(name, kind, value))
            if lookup == "in":
                if not isinstance(value, list | tuple | set | frozenset):
                    return _UNKNOWN
                return _Filter(wq.Or([self._exact(name, kind, v) for v in value]).normalize())
            # Ranges (gt/gte/lt/lte: the API's validity window) are left to the database: a
            # Whoosh range expands into a numeric trie's terms in every segment, which cost
            # 20–50 ms per query at 100,000 scripts; the database checks a page of pks at once.
        except _UnknownValue:
            return _UNKNOWN
        return _UNKNOWN

    @staticmethod
    def _exact(name, kind, value):
        value = _convert(kind, value)
        if kind in ("datetime", "date"):
            return wq.DateRange(name, value, value)
        return wq.Term(name, value)

    def _process_match_none(self):
        return _Filter(wq.NullQuery)

    def _connect_filters(self, filters, connector, negated):
        exact = all(f.exact for f in filters)
        queries = [f.query for f in filters]
        if connector == "OR":
            if not queries or any(q is None for q in queries):
                result = _Filter(None, exact=exact and bool(queries))
            else:
                result = _Filter(wq.Or(queries), exact)
        else:
            known = [q for q in queries if q is not None]
            result = _Filter(wq.And(known) if known else None, exact)
        if negated:
            if not result.exact:
                return _UNKNOWN  # the negation of an approximation is not a superset
            return _Filter(wq.Not(result.query) if result.query is not None else wq.NullQuery)
        return result

    def _whoosh_filter(self):
        parts = []
        model = self.queryset.model._meta.concrete_model
        if model is not WhooshIndex._root(model):
            parts.append(wq.Term(CT, model._meta.label_lower))
        where = self._get_filters_from_queryset()
        # Whether the filter is the queryset's own (not a superset of it): then the index alone
        # can count the matches.
        self._filter_exact = where is None or where.exact
        if where is not None and where.query is not None:
            parts.append(where.query)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    # Running

    def _ordered(self, queryset):
        return queryset if queryset.ordered else queryset.order_by("-pk")

    def _in_queryset(self, pks, ordered=False) -> list:
        """The pks among `pks` that the queryset returns (in its order if `ordered`)."""
        queryset = self._ordered(self.queryset) if ordered else self.queryset.order_by()
        if len(pks) <= MAX_IN_CLAUSE:
            found = queryset.filter(pk__in=list(pks)).values_list("pk", flat=True)
        else:
            wanted = set(pks)
            found = (pk for pk in queryset.values_list("pk", flat=True) if pk in wanted)
        return list(dict.fromkeys(found))

    @staticmethod
    @contextmanager
    def _reading(index):
        """Turn what Whoosh raises on a damaged index into IndexCorrupt."""
        try:
            yield
        except Exception as error:  # noqa: BLE001 - a damaged segment shows up here
            _forget_searcher(index.path, index.name)
            raise IndexCorrupt(
                f"The search index “{index.name}” in {index.path} cannot be read ({error!r}). "
                f"{REBUILD_HINT}"
            ) from error

    def _run(self, searcher, index, query, limit=None) -> tuple[list[tuple[object, float]], bool]:
        """(pk, score) of the best `limit` documents matching `query` (all if None), and
        whether there may be more."""
        if query is wq.NullQuery:
            return [], False
        with self._reading(index):
            results = searcher.search(query, limit=limit)
            more = limit is not None and results.scored_length() >= limit
            return self._pks(searcher, [(hit.docnum, hit.score) for hit in results]), more

    def hits(self, backend, wanted=None) -> list[tuple[object, float | None]]:
        """(pk, score) of the matches in result order: all of them, or at least the first
        `wanted` when that is all a page needs (a top-k search; the rest is not scored).
        Cached for count + page."""
        cached = self._hits_cache
        if cached is not None and (cached[1] or (wanted is not None and len(cached[0]) >= wanted)):
            return cached[0]
        hits, complete = self._compute_hits(backend, wanted)
        self._hits_cache = (hits, complete)
        return hits

    def _compute_hits(self, backend, wanted=None):
        """(hits, complete): complete is False when only the best `wanted` were looked for."""
        mode, query = self._mode()
        if mode == "none":
            return [], True
        if mode == "all":
            return [(pk, None) for pk in self._in_queryset_all()], True
        if mode == "query" and not self._has_tokens(query):
            return [], True  # nothing to look for: no need for the index
        index = backend.get_index_for_model(self.queryset.model)
        searcher = _open_searcher(index.path, index.name)
        self._schema = searcher.schema
        if mode == "not":
            matched = {pk for pk, _score in self._run(searcher, index, self._build(query))[0]}
            return [(pk, None) for pk in self._in_queryset_all() if pk not in matched], True

        whoosh_filter = self._whoosh_filter()
        # Top-k only when the order is the index's (relevance) and a page is all that is asked.
        limit = wanted + TOP_K_MARGIN if wanted is not None and self.order_by_relevance else None
        plain = self._plain_args(query)
        if plain is not None:  # posting lists and sets (whoosh_topk), not Whoosh's matchers
            hits, complete = self._scored(searcher, index, self._plan(*plain), whoosh_filter, limit)
            if not hits and self._relaxable():
                relaxed = self._plan(*plain, relaxed=True)
                hits, complete = self._scored(searcher, index, relaxed, whoosh_filter, limit)
        else:
            built = self._build(query)
            hits, complete = self._matching(searcher, index, built, whoosh_filter, limit)
            if not hits and self._relaxable():
                relaxed = self._build(query, relaxed=True)
                hits, complete = self._matching(searcher, index, relaxed, whoosh_filter, limit)
        if self.order_by_relevance:
            # Highest score first; equal scores newest (highest pk) first, as the database
            # backends do.
            hits.sort(key=lambda hit: hit[0], reverse=True)
            hits.sort(key=lambda hit: hit[1], reverse=True)
            return hits, complete
        scores = dict(hits)
        return [(pk, scores[pk]) for pk in self._in_queryset(list(scores), ordered=True)], True

    @staticmethod
    def _plain_args(query):
        """(text, operator, boost) of a plain-text query, possibly boosted; None otherwise."""
        boost = 1.0
        while isinstance(query, Boost):
            boost *= query.boost
            query = query.subquery
        if isinstance(query, PlainText):
            return query.query_string, query.operator, boost * query.boost
        if isinstance(query, Phrase):
            return query.query_string, "and", boost
        if isinstance(query, Fuzzy):
            return query.query_string, query.operator, boost
        return None

    def _scored(self, searcher, index, plan, whoosh_filter, limit=None):
        """As _matching, for a plan evaluated by whoosh_topk: every match is scored, then the
        best `limit` (all if None) go through the filter and the queryset; when those drop so
        many that the page could come up short, the next best eight times as many follow."""
        if plan is None:
            return [], True
        scored = self._scores(searcher, index, plan)
        kept, done, n = [], 0, limit
        while True:
            order = topk.best(scored, n)
            chunk = order[done:]
            done = len(order)
            with self._reading(index):
                if whoosh_filter is not None and chunk:
                    allowed = topk.passing(searcher, whoosh_filter, chunk)
                    chunk = [doc for doc in chunk if doc in allowed]
                hits = self._pks(searcher, [(doc, scored[doc]) for doc in chunk])
            if hits:
                in_queryset = set(self._in_queryset([pk for pk, _score in hits]))
                kept += [(pk, score) for pk, score in hits if pk in in_queryset]
            complete = done >= len(scored)
            if complete or len(kept) >= limit - TOP_K_MARGIN:
                return kept, complete
            n *= 8

    def _scores(self, searcher, index, plan) -> dict[int, float]:
        """topk.scores, kept for the compiler's life (count and page share them)."""
        cache = self.__dict__.setdefault("_scores_cache", {})
        key = (id(searcher), plan)
        if key not in cache:
            with self._reading(index):
                cache[key] = topk.scores(searcher, plan)
        return cache[key]

    def count_in_index(self, backend) -> int | None:
        """The number of matches, from the index alone — None when only the database can
        tell (another query shape, or filters Whoosh only approximates). The database still
        decides which objects a page shows; a count needs no object."""
        mode, query = self._mode()
        plain = self._plain_args(query) if mode == "query" else None
        if plain is None or not self._has_tokens(query):
            return None
        index = backend.get_index_for_model(self.queryset.model)
        searcher = _open_searcher(index.path, index.name)
        self._schema = searcher.schema
        whoosh_filter = self._whoosh_filter()
        if not self._filter_exact:
            return None
        total = 0
        for relaxed in (False, True):
            plan = self._plan(*plain, relaxed=relaxed)
            if plan is None:
                continue
            docs = list(self._scores(searcher, index, plan))
            if whoosh_filter is not None and docs:
                with self._reading(index):
                    docs = topk.passing(searcher, whoosh_filter, docs)
            total = len(docs)
            if total or not self._relaxable():
                break
        return total

    def _pks(self, searcher, docs) -> list[tuple[object, float]]:
        """(pk, score) of (document number, score) pairs; documents with a pk the model cannot
        read are left out."""
        to_python = self.queryset.model._meta.pk.to_python
        hits = []
        for doc, score in docs:
            try:
                hits.append((to_python(searcher.stored_fields(doc)[PK]), score))
            except ValidationError:
                continue
        return hits

    def _matching(self, searcher, index, query, whoosh_filter, limit=None):
        """Hits of `query` that pass the filter and the queryset, and whether they are all.
        The filter is part of the query (scored 0), so Whoosh only visits documents that match
        the text; with `limit`, a top-k search that widens to all when the database drops so
        many hits that the page could come up short."""
        if query is not wq.NullQuery and whoosh_filter is not None:
            query = wq.And([query, wq.ConstantScoreQuery(whoosh_filter, 0.0)])
        hits, more = self._run(searcher, index, query, limit)
        if not hits:
            return [], True
        allowed = set(self._in_queryset([pk for pk, _score in hits]))
        kept = [(pk, score) for pk, score in hits if pk in allowed]
        if more and len(kept) < limit - TOP_K_MARGIN:
            return self._matching(searcher, index, query, None, None)
        return kept, not more

    def _in_queryset_all(self):
        return list(dict.fromkeys(self._ordered(self.queryset).values_list("pk", flat=True)))


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    """As search, but the last latin word of the query matches as a prefix (vi → vip), over the
    model's AutocompleteFields (its SearchFields if it has none). CJK needs no prefix: bigrams
    already match any part of a word."""

    AUTOCOMPLETE = True


# Results -----------------------------------------------------------------------------------


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    def _hits(self, wanted=None):
        return self.query_compiler.hits(self.backend, wanted)

    def _do_search(self):
        compiler = self.query_compiler
        if compiler._mode()[0] == "all":
            queryset = compiler._ordered(compiler.queryset)
            if self.prefetch_related:
                queryset = queryset.prefetch_related(*self.prefetch_related)
            objects = list(queryset[self.start : self.stop])
            if self._score_field:
                for obj in objects:
                    setattr(obj, self._score_field, None)
            return objects

        page = self._hits(self.stop)[self.start : self.stop]
        if not page:
            return []
        queryset = compiler.queryset.filter(pk__in=[pk for pk, _score in page])
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        objects = {obj.pk: obj for obj in queryset}
        results = []
        for pk, score in page:
            obj = objects.get(pk)
            if obj is None:  # deleted since the search
                continue
            if self._score_field:
                setattr(obj, self._score_field, score)
            results.append(obj)
        return results

    def _do_count(self):
        compiler = self.query_compiler
        if compiler._mode()[0] == "all":
            return compiler.queryset[self.start : self.stop].count()
        cached = compiler._hits_cache
        if cached is not None and cached[1]:  # every hit is known already
            total = len(cached[0])
        else:
            total = compiler.count_in_index(self.backend)
            if total is None:
                total = len(self._hits())
        stop = total if self.stop is None else min(self.stop, total)
        return max(0, stop - self.start)

    def facet(self, field_name):
        compiler = self.query_compiler
        field = compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f'index.FilterField("{field_name}") to '
                f"{compiler.queryset.model.__name__}.search_fields.",
                field_name=field_name,
            )
        queryset = compiler.queryset.order_by()
        if compiler._mode()[0] == "all":
            rows = queryset.values_list(field_name, flat=True)
        else:
            pks = {pk for pk, _score in self._hits()}
            if len(pks) <= MAX_IN_CLAUSE:
                rows = queryset.filter(pk__in=list(pks)).values_list(field_name, flat=True)
            else:
                rows = (value for pk, value in queryset.values_list("pk", field_name) if pk in pks)
        return OrderedDict(Counter(rows).most_common())


# Backend -----------------------------------------------------------------------------------


class WhooshSearchBackend(IndexAfterCommit, BaseSearchBackend):
    """Saves inside a transaction reach the file index when it commits (after_commit.py)."""

    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    index_class = WhooshIndex
    results_class = WhooshSearchResults
    rebuilder_class = WhooshRebuilder
    catch_indexing_errors = False  # a failed write raises: an update is never silently lost

    def __init__(self, params):
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
            searcher = _open_searcher(index.path, index.name)
        except IndexMissing:
            return set()
        label = model._meta.concrete_model._meta.label_lower
        with WhooshSearchQueryCompiler._reading(index):
            return {
                searcher.stored_fields(docnum)[PK]
                for docnum in searcher.docs_for_query(wq.Term(CT, label))
            }

    def get_index_for_model(self, model):
        root = WhooshIndex._root(model)
        label = root._meta.label_lower
        if label not in self._indexes:
            self._indexes[label] = WhooshIndex(self, root)
        return self._indexes[label]


SearchBackend = WhooshSearchBackend
