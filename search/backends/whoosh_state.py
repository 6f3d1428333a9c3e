"""What can be wrong with a Whoosh index besides its contents: missing, unreadable, locked, or
recreated by a save and therefore incomplete.

An index folder that is lost (a new disk, a restore without the data folder, someone deleting
it) used to come back silently: the next save created a fresh index holding only the saved
object, and searches found one script in ten. Now a save that has to create the index while
the database holds other objects of its model writes ``<index>.incomplete`` beside it; only a
full rebuild (``search_index rebuild``) removes the marker. Searches keep answering from what
is there, while ``/api/v1/health`` and ``search_index check`` report the index as incomplete.
"""

from __future__ import annotations

import logging
import os
import pickle
import struct
import zlib
from pathlib import Path

from django.utils import timezone

logger = logging.getLogger(__name__)


class IndexMissing(Exception):
    """The index (or its folder) does not exist: it must be built before searching."""


class IndexCorrupt(IndexMissing):
    """The index exists but cannot be read: it must be rebuilt."""


class IndexLocked(Exception):
    """Another process held the index's write lock for longer than WRITE_TIMEOUT."""


#: What reading damaged index files raises (seen when truncating, overwriting and flipping bytes
#: of every kind of index file: Whoosh unpickles and decompresses what it reads, so a damaged
#: file raises nearly anything). Only counted as damage when raised inside Whoosh: see is_damage.
DAMAGE_ERRORS = (
    OSError,
    EOFError,
    zlib.error,
    struct.error,
    pickle.UnpicklingError,
    ImportError,  # unpickling a damaged class name
    UnicodeDecodeError,
    ValueError,
    LookupError,  # KeyError, IndexError
    AttributeError,
    TypeError,
)


def _whoosh_dir() -> str:
    import whoosh

    return os.path.dirname(whoosh.__file__)


def _ours_dir() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # search/


def is_damage(error: BaseException) -> bool:
    """Whether `error` says an index file is damaged (then: IndexCorrupt, "rebuild it"), not
    that our code has a bug (then: it propagates, a 500 with its traceback in the log).

    Damage is one of DAMAGE_ERRORS raised while Whoosh reads: the innermost frame that is
    either Whoosh's or ours (search/) is Whoosh's. Raised in our own code (the top-k
    evaluator, the compiler), it is a bug, whatever its type; so is any other type
    (NameError, AssertionError, RecursionError ...). Whoosh's own index errors
    (whoosh.index.IndexError, FileFormatError) are always damage.
    """
    from whoosh.filedb.filetables import FileFormatError
    from whoosh.index import IndexError as WhooshIndexError

    if isinstance(error, WhooshIndexError | FileFormatError):
        return True
    if not isinstance(error, DAMAGE_ERRORS):
        return False
    whoosh_dir, ours = _whoosh_dir(), _ours_dir()
    last = None
    tb = error.__traceback__
    while tb is not None:
        filename = os.path.abspath(tb.tb_frame.f_code.co_filename)
        if filename.startswith(whoosh_dir + os.sep):
            last = "whoosh"
        elif filename.startswith(ours + os.sep):
            last = "ours"
        tb = tb.tb_next
    return last == "whoosh"


def incomplete_marker(path: str, name: str) -> Path:
    return Path(path) / f"{name}.incomplete"


def is_incomplete(path: str, name: str) -> bool:
    return incomplete_marker(path, name).exists()


def note_fresh_index(index, pks) -> None:
    """Called before a save (not a rebuild) creates `index`: mark it incomplete unless the
    saved objects are all the database has (a first save on a new site is complete)."""
    others = index.model.get_indexed_objects().exclude(pk__in=list(pks))
    if not others.exists():
        return
    mark_incomplete(index, "created by a save")
    logger.warning(
        "The search index “%s” in %s was missing and is recreated by a save: it holds only "
        "objects saved from now on. Run `python manage.py search_index rebuild`.",
        index.name,
        index.path,
    )


def mark_incomplete(index, why: str) -> None:
    """Mark `index` as not holding everything (until a full rebuild), saying why."""
    os.makedirs(index.path, exist_ok=True)
    incomplete_marker(index.path, index.name).write_text(
        f"{why} at {timezone.now().isoformat()} (pid {os.getpid()}); "
        "run `python manage.py search_index rebuild`\n",
        encoding="utf-8",
    )


def rebuilt(index) -> None:
    """A full rebuild finished: the index holds every object again."""
    incomplete_marker(index.path, index.name).unlink(missing_ok=True)
