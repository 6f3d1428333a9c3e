"""The Whoosh index on disk: open searchers (one per index and thread, reopened when the index
changes), the write lock and writers (waited for until WRITE_TIMEOUT), the merge policy, and
what a damaged index raises (IndexCorrupt, only for damage: whoosh_state.is_damage)."""

from __future__ import annotations

import os
import re
import threading
import time
from contextlib import contextmanager, suppress

from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, LockError
from whoosh.scoring import BM25F
from whoosh.writing import MERGE_SMALL

from search.backends.whoosh_state import IndexCorrupt, IndexLocked, IndexMissing, is_damage

REBUILD_HINT = "Run `python manage.py search_index rebuild` to build it."
DEFAULT_WRITE_TIMEOUT = 30.0
#: Segments are merged once a commit would leave this many.
MERGE_AT_SEGMENTS = 8


def corrupt(name: str, path: str, error: BaseException | None) -> IndexCorrupt:
    return IndexCorrupt(
        f"The search index “{name}” in {path} cannot be read ({error!r}). {REBUILD_HINT}"
    )


def merge_when_many(writer, segments):
    """Merge policy: leave segments alone until there are many (a commit per saved object
    would otherwise re-merge the small segments every time), then merge the small ones.
    Segments whose documents are all deleted are dropped (that needs no merging)."""
    segments = [segment for segment in segments if segment.doc_count() > 0]
    if len(segments) < MERGE_AT_SEGMENTS:
        return segments
    return MERGE_SMALL(writer, segments)


# Reading -----------------------------------------------------------------------------------


class _Searchers(threading.local):
    """Open searchers, one per index and thread, reopened when the index changes on disk."""

    def __init__(self):
        self.entries: dict[tuple[int, str, str], tuple[tuple, object]] = {}


_searchers = _Searchers()


def toc_signature(path: str, name: str):
    """Identifies the current index version; None if there is no index."""
    pattern = re.compile(rf"^_{re.escape(name)}_([0-9]+)\.toc$")
    generations = [int(m.group(1)) for f in os.listdir(path) if (m := pattern.match(f))]
    if not generations:
        return None
    generation = max(generations)
    stat = os.stat(os.path.join(path, f"_{name}_{generation}.toc"))
    return (generation, stat.st_ino, stat.st_mtime_ns, stat.st_size)


def open_searcher(path: str, name: str):
    """A searcher on the latest version of the index; IndexMissing/IndexCorrupt if there is none."""
    key = (os.getpid(), path, name)  # never reuse file handles inherited through fork()
    last_error = None
    for _attempt in range(3):
        if not os.path.isdir(path):
            raise IndexMissing(f"The search index folder {path} does not exist. {REBUILD_HINT}")
        try:
            signature = toc_signature(path, name)
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
        except Exception as error:
            if not is_damage(error):  # a bug of ours is not a damaged index
                raise
            raise corrupt(name, path, error) from error
        _searchers.entries[key] = (signature, searcher)
        return searcher
    raise corrupt(name, path, last_error) from last_error


def forget_searcher(path: str, name: str):
    cached = _searchers.entries.pop((os.getpid(), path, name), None)
    if cached:
        _close_quietly(cached[1])


def _close_quietly(searcher):
    with suppress(Exception):  # closing a stale reader is best effort
        searcher.close()


@contextmanager
def reading(index):
    """Turn what Whoosh raises on a damaged index into IndexCorrupt (a bug of ours propagates
    as it is: whoosh_state.is_damage)."""
    try:
        yield
    except Exception as error:
        if not is_damage(error):
            raise
        forget_searcher(index.path, index.name)
        raise corrupt(index.name, index.path, error) from error


# Writing -----------------------------------------------------------------------------------


def _locked_out(index) -> IndexLocked:
    return IndexLocked(
        f"Timed out after {index.backend.write_timeout:g}s waiting for the write lock "
        f"of the search index “{index.name}” in {index.path}."
    )


@contextmanager
def write_lock(index, storage):
    """The index's write lock (the one Whoosh writers take), waited for until the deadline."""
    lock = storage.lock(f"{index.name}_WRITELOCK")
    deadline = time.monotonic() + index.backend.write_timeout
    delay = 0.01
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            raise _locked_out(index)
        time.sleep(delay)
        delay = min(delay * 2, 0.2)
    try:
        yield
    finally:
        lock.release()


def open_writer(index, ix, pool_mb=None):
    """One writer for the whole operation, retried on LockError until WRITE_TIMEOUT.
    Whoosh sorts postings in memory up to `pool_mb`, then spills them to temporary files."""
    deadline = time.monotonic() + index.backend.write_timeout
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
                raise _locked_out(index) from None
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 0.2)
