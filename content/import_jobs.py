"""Imports from the admin (话术库 → 导入): an uploaded file is checked, then imported, each in a
background task (the worker runs it; the request only queues). Both run the command's own
code (import_run.import_file: the same reading, validation, lock and all-or-nothing write).

A worker that dies in the middle (kill -9, a crash) writes nothing (the import is one
transaction); the job would show "importing" for ever, so the running worker holds the job's
liveness lock (content.import_lock.job_lock) and `settle` — called whenever the job is shown —
marks a job that a worker began but nobody holds as interrupted; `retry` queues it again.

Progress: rows validated are written to the job row as they go (outside any transaction);
rows written happen inside the import's transaction, where an update of the job row would stay
invisible until the end (PostgreSQL) or wait for the write lock (SQLite), so they go to the
`progress` cache, which the status view reads too: Redis when configured, else files in the data
folder (settings: CACHES["progress"]), so the bar moves in the embedded setup as well.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .enums import ImportJobState
from .import_files import RowError
from .import_lock import job_alive, job_lock
from .import_run import import_file
from .importing import ImportResult
from .models import KIND_MODELS, ImportJob

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # about 50,000 rows of XLSX; bigger files: the command
MAX_STORED_ERRORS = 1000
SUFFIXES = (".xlsx", ".csv", ".jsonl")
REPORT_EVERY = 25  # rows between progress writes
KEEP_DAYS = 30  # jobs (and the files of those never imported) are deleted after this


def can_import(user) -> bool:
    """Anyone who may add scripts of some kind (each row is still a script of its kind)."""
    return any(user.has_perm(f"content.add_{m._meta.model_name}") for m in KIND_MODELS.values())


def can_publish(user) -> bool:
    return all(user.has_perm(f"content.publish_{m._meta.model_name}") for m in KIND_MODELS.values())


def _progress_key(job_pk: int) -> str:
    return f"content:import-job:{job_pk}:written"


def start(*, user, name: str, data: bytes, publish: bool) -> ImportJob:
    """Store the upload and queue its check (a dry run)."""
    job = ImportJob.objects.create(
        user=user, file_name=name[:255], data=data, publish=publish and can_publish(user)
    )
    check_task.enqueue(job.pk)
    return job


def confirm(job: ImportJob) -> bool:
    """Queue the import of a file whose check found no errors; False if it cannot start."""
    started = ImportJob.objects.filter(
        pk=job.pk, state=ImportJobState.CHECKED, result__error_count=0
    ).update(state=ImportJobState.IMPORTING, done=0, started_at=None)
    if started:
        caches["progress"].delete(_progress_key(job.pk))
        import_task.enqueue(job.pk)
    return bool(started)


def settle(job: ImportJob) -> ImportJob:
    """`job`, marked interrupted if its worker died: a worker began it (started_at) and nobody
    holds its liveness lock. Nothing of it was written (one transaction); `retry` runs it again."""
    if not job.running or job.started_at is None or job_alive(job.pk):
        return job
    phase = job.state
    result = {**job.result, "interrupted": phase}
    # The guard (same phase, same start) keeps a job that just finished or was retried as it is.
    ImportJob.objects.filter(pk=job.pk, state=phase, started_at=job.started_at).update(
        state=ImportJobState.INTERRUPTED, finished_at=timezone.now(), result=result
    )
    caches["progress"].delete(_progress_key(job.pk))
    job.refresh_from_db(fields=["state", "finished_at", "result", "done", "started_at"])
    return job


def prune(now=None) -> int:
    """Delete the jobs created more than KEEP_DAYS ago, their files with them, except running
    ones (a running one whose worker died is settled first, then goes too): the worker calls
    it every hour. The number of jobs deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    old = ImportJob.objects.filter(created_at__lt=cutoff).defer("data")
    running = (ImportJobState.CHECKING, ImportJobState.IMPORTING)
    for job in old.filter(state__in=running):
        settle(job)
    deleted, _by_model = old.exclude(state__in=running).delete()
    return deleted


def retry(job: ImportJob) -> bool:
    """Queue an interrupted job's phase again (its check, or its import); False if it is not
    interrupted (any more)."""
    phase = job.result.get("interrupted")
    if phase not in (ImportJobState.CHECKING, ImportJobState.IMPORTING):
        return False
    result = {k: v for k, v in job.result.items() if k != "interrupted"}
    restarted = ImportJob.objects.filter(pk=job.pk, state=ImportJobState.INTERRUPTED).update(
        state=phase, done=0, started_at=None, finished_at=None, result=result
    )
    if restarted:
        caches["progress"].delete(_progress_key(job.pk))
        (check_task if phase == ImportJobState.CHECKING else import_task).enqueue(job.pk)
    return bool(restarted)


def progress(job: ImportJob) -> dict:
    """What the status view answers (and the job page shows)."""
    job = settle(job)
    done = job.done
    if job.state == ImportJobState.IMPORTING:
        done = max(done, job.rows + (caches["progress"].get(_progress_key(job.pk)) or 0))
    steps = job.steps
    percent = 100 if not job.running else (int(100 * done / steps) if steps else 0)
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "running": job.running,
        "rows": job.rows,
        "done": done,
        "percent": min(percent, 100),
        "result": job.result,
    }


@task()
def check_task(job_pk: int) -> None:
    _run(job_pk, dry_run=True)


@task()
def import_task(job_pk: int) -> None:
    _run(job_pk, dry_run=False)


def _run(job_pk: int, *, dry_run: bool) -> None:
    with job_lock(job_pk) as held:
        if not held:  # another worker runs this job
            logger.warning("Import job %s is already running elsewhere", job_pk)
            return
        phase = ImportJobState.CHECKING if dry_run else ImportJobState.IMPORTING
        # Committed at once (outside any transaction): from now on a free liveness lock means
        # this worker died (settle). A job in another state (finished, interrupted) is left.
        if not ImportJob.objects.filter(pk=job_pk, state=phase).update(started_at=timezone.now()):
            return
        _run_locked(job_pk, dry_run=dry_run)


def _run_locked(job_pk: int, *, dry_run: bool) -> None:
    job = ImportJob.objects.filter(pk=job_pk).first()
    if job is None:
        return
    updates = ImportJob.objects.filter(pk=job_pk)

    def counted(rows: int) -> None:
        updates.update(rows=rows)

    def validated(n: int) -> None:
        if n % REPORT_EVERY == 0:
            updates.update(done=n)

    def wrote(n: int) -> None:
        if n % REPORT_EVERY == 0:
            caches["progress"].set(_progress_key(job_pk), n, 3600)

    suffix = Path(job.file_name).suffix.lower()
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(bytes(job.data))
            result = import_file(
                path,
                publish=job.publish,
                dry_run=dry_run,
                user=job.user,
                progress=validated,
                wrote=wrote,
                counted=counted,
            )
    except Exception:  # a bug must not leave the page polling forever
        logger.exception("Import job %s failed", job_pk)
        result = ImportResult(dry_run=dry_run)
        message = _("The import stopped on an internal error; nothing was written.")
        result.errors.append(RowError(0, "", message))
    _finish(job_pk, result, dry_run=dry_run)


def _finish(job_pk: int, result: ImportResult, *, dry_run: bool) -> None:
    errors = sorted(result.errors, key=lambda e: e.row)
    if dry_run:
        state = ImportJobState.CHECKED
    else:
        state = ImportJobState.FAILED if errors else ImportJobState.IMPORTED
    summary = {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "published": result.published,
        "error_count": len(errors),
        "errors": [[e.row, e.field, e.message] for e in errors[:MAX_STORED_ERRORS]],
        "notes": list(result.notes),
    }
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_pk).update(
            state=state,
            rows=result.rows,
            done=result.rows * (1 if dry_run else 2),
            result=summary,
            finished_at=timezone.now(),
            # After an import (done or refused), or a check that found errors (such a file is
            # never imported), the file is of no further use: a new try is a new upload.
            **({} if dry_run and not errors else {"data": b""}),
        )
    caches["progress"].delete(_progress_key(job_pk))
