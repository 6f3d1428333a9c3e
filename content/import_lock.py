"""One import writes at a time: a lock that a second `import_content` waits for.

Two imports that both validated "external_id m-1 is new" both tried to create it: the second
died with an IntegrityError (PostgreSQL) or "database is locked" (SQLite, whose 20-second busy
timeout is shorter than an import). The importer takes this lock before its write transaction
and validates again under it if the scripts it is about to write changed meanwhile.

PostgreSQL: a session-level advisory lock (several app servers share it; it goes with the
connection if the process dies). SQLite: flock() on a file beside the database (SQLite means
one machine; the kernel drops the lock when the process dies).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

# pg_advisory_lock keys are one bigint per cluster: this one is "import" in ASCII.
ADVISORY_KEY = 0x696D706F7274
POLL_SECONDS = 0.25


class ImportBusy(Exception):
    """Another import held the lock for longer than we were told to wait."""


def sqlite_lock_path(database_name: str) -> Path:
    """The lock file of a SQLite database (in-memory test databases use one in DATA_DIR)."""
    name = str(database_name)
    if name.startswith("file:") or name == ":memory:" or "mode=memory" in name:
        return Path(settings.DATA_DIR) / "import.lock"
    return Path(name + ".import-lock")


def _busy(timeout: float) -> ImportBusy:
    return ImportBusy(
        _(
            "Another import has been running for more than %(seconds)d seconds; nothing was "
            "written. Run this import again when it has finished."
        )
        % {"seconds": timeout}
    )


@contextmanager
def import_lock(
    timeout: float | None = None,
    waiting: Callable[[], None] | None = None,
    using: str = "default",
) -> Iterator[None]:
    """Hold the import lock; call `waiting()` once if another import holds it first."""
    timeout = settings.IMPORT_LOCK_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    connection = connections[using]

    def wait_once(announced: list[bool]) -> None:
        if time.monotonic() >= deadline:
            raise _busy(timeout)
        if waiting and not announced:
            waiting()
            announced.append(True)
        time.sleep(POLL_SECONDS)

    announced: list[bool] = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
                if cursor.fetchone()[0]:
                    break
                wait_once(announced)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
        return

    path = sqlite_lock_path(connection.settings_dict["NAME"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                wait_once(announced)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# A job's liveness (content/import_jobs.py): the worker running an admin import job holds this
# lock from the moment it starts until the job's outcome is saved. A job that a worker began
# whose lock is free has lost its worker (kill -9, a crash, a power cut). PostgreSQL: a
# session-level advisory lock with two keys ("imp", job id), which dies with the connection;
# SQLite: flock() on a file beside the database, which dies with the process.
JOB_KEY = 0x696D70


def _job_file(pk: int, using: str) -> Path:
    base = sqlite_lock_path(connections[using].settings_dict["NAME"])
    return base.parent / f"{base.name}-job-{pk}"


@contextmanager
def job_lock(pk: int, using: str = "default") -> Iterator[bool]:
    """Hold job `pk`'s liveness lock; yields False (holding nothing) if another process has it."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s::int, %s::int)", [JOB_KEY, pk])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s::int, %s::int)", [JOB_KEY, pk])
        return
    path = _job_file(pk, using)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        for _attempt in range(20):  # job_alive() takes it for an instant to look
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                time.sleep(0.05)
        else:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            path.unlink(missing_ok=True)  # the job's outcome is saved: nobody asks again


def job_alive(pk: int, using: str = "default") -> bool:
    """Whether some process holds job `pk`'s liveness lock (read-only: takes nothing)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = %s AND objid = %s AND objsubid = 2 AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database()))",
                [JOB_KEY, pk],
            )
            return cursor.fetchone()[0]
    try:
        descriptor = os.open(_job_file(pk, using), os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return False
    finally:
        os.close(descriptor)
