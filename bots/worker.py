"""The background worker (`manage.py worker`): queued tasks, and every minute the periodic jobs.

One process does all background work, so an operator starts one thing (or several copies of it).
It has two lanes, so that a webhook receiver that never answers holds back nothing else:

- the main lane (the main thread): the tasks queued in the database (django-tasks-db) on the
  `default` queue: Wagtail's search indexing, reference index, file clean-up, admin imports;
  and the periodic jobs below except the webhook retries;
- the webhook lane (a thread, when the `webhooks` queue is served): webhook first attempts
  (queue `webhooks`, bots.webhooks.send_task) and every minute the webhook retry pass
  (`webhooks.deliver_due`); each attempt waits at most webhooks.TIMEOUT_SECONDS, and only
  this lane waits.

Periodic jobs:
- every minute, Wagtail's scheduled publishing (go_live_at / expire_at), under a lease so that
  only one of several workers runs it at a time (two runs at once would publish a revision
  twice and send its webhooks twice);
- every minute, the webhook retry pass; every worker may run it, since each attempt is claimed
  by a conditional UPDATE first;
- every minute, a batch of cached compliance levels made stale by a rule change is recomputed
  (`content.compliance_status.refresh_stale`; idempotent, so several workers may run it);
- every hour, the results of tasks that finished more than a week ago are deleted (django-tasks-db
  keeps a row per task, and every save queues a few), and admin import jobs older than 30 days
  with their files (``content.import_jobs.prune``), so no cron job is needed for that either.

`--queue default` or `--queue webhooks` runs one lane's queue only (e.g. webhooks in processes
of their own); scheduled publishing and the other periodic jobs run in every worker (leased).
Tasks are taken in batches of at most TASK_BATCH between periodic checks, so a long queue never
starves scheduled publishing. SIGTERM or Ctrl-C stops it after the current task or delivery
(both lanes); a second Ctrl-C stops it at once.
"""

from __future__ import annotations

import io
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.core.management import call_command
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.signals import task_finished
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker

from content import compliance_status, import_jobs

from . import webhooks
from .models import WorkerLease

logger = logging.getLogger(__name__)

TASK_BATCH = 50
PRUNE_EVERY_SECONDS = 3600
KEEP_RESULTS_DAYS = 7
PUBLISH_LEASE = "publish_scheduled"
WEBHOOK_QUEUE = webhooks.QUEUE
COMPLIANCE_BATCH = 500  # scripts per minute whose cached level is stale (content.compliance_status)
# A worker that dies while publishing frees the job after this; a normal run frees it at once.
LEASE_SECONDS = 600


def claim_lease(name: str, holder: str, seconds: int = LEASE_SECONDS) -> bool:
    """Take the lease `name` if nobody holds it now (a conditional UPDATE, so one winner)."""
    now = timezone.now()
    # get_or_create survives a concurrent create (it re-reads); the UPDATE picks the winner.
    WorkerLease.objects.get_or_create(name=name, defaults={"until": now})
    claimed = WorkerLease.objects.filter(name=name, until__lte=now).update(
        holder=holder, until=now + timedelta(seconds=seconds)
    )
    return claimed == 1


def release_lease(name: str, holder: str) -> None:
    WorkerLease.objects.filter(name=name, holder=holder).update(until=timezone.now())


def publish_scheduled(holder: str) -> int | None:
    """Run Wagtail's scheduled publishing if no other worker is; the number of objects it
    published or unpublished, or None when another worker had the lease."""
    from wagtail.models import ModelLogEntry, PageLogEntry

    started = timezone.now()
    if not claim_lease(PUBLISH_LEASE, holder):
        return None
    try:
        call_command("publish_scheduled", stdout=io.StringIO())
    finally:
        release_lease(PUBLISH_LEASE, holder)
    actions = ["wagtail.publish.scheduled", "wagtail.unpublish.scheduled"]
    return sum(
        model.objects.filter(action__in=actions, timestamp__gte=started).count()
        for model in (ModelLogEntry, PageLogEntry)
    )


class Lane:
    """Tasks of some queues, taken in batches by django-tasks-db's worker."""

    def __init__(self, name: str, queues: list[str]):
        self.name = name
        self.queues = queues
        self.task_worker: TaskWorker | None = None
        self.ran = 0


class Worker:
    def __init__(
        self,
        *,
        interval: float = 1.0,
        every: float = 60.0,
        queues: list[str] | None = None,
        once: bool = False,
        out: Callable[[str], None] = print,
        worker_id: str | None = None,
    ):
        self.interval = interval
        self.every = every
        self.queues = queues or ["default", WEBHOOK_QUEUE]
        self.once = once
        self.out = out
        self.worker_id = worker_id or get_random_string(12)
        self.stopping = False
        self.main = Lane("main", [q for q in self.queues if q != WEBHOOK_QUEUE])
        self.hooks = Lane("webhooks", [WEBHOOK_QUEUE]) if WEBHOOK_QUEUE in self.queues else None
        self.hooks_thread: threading.Thread | None = None
        self._current = threading.local()  # the lane this thread runs (task counts)
        self.next_periodic = 0.0  # monotonic time; 0 runs the periodic jobs at start
        self.next_retries = 0.0  # the webhook lane's own minute
        self.next_prune = 0.0

    @property
    def task_worker(self) -> TaskWorker | None:  # the main lane's (tests and signals)
        return self.main.task_worker

    # --- signals -------------------------------------------------------------------------
    def install_signals(self) -> dict:
        """Stop cleanly on SIGTERM/SIGINT; returns the previous handlers (restore_signals)."""
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
        for sig in previous:
            signal.signal(sig, self._on_signal)
        return previous

    @staticmethod
    def restore_signals(previous: dict) -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame) -> None:
        if self.stopping and signum == signal.SIGINT:
            self.out("Second Ctrl-C: stopping now.")
            sys.exit(1)
        if not self.stopping:
            # `make run` sends SIGTERM after the terminal's SIGINT: both mean "stop cleanly".
            self.out(f"{signal.Signals(signum).name}: stopping after the current work…")
        self.stop()

    def stop(self) -> None:
        """Both lanes stop after their current task or delivery."""
        self.stopping = True
        for lane in (self.main, self.hooks):
            if lane is not None and lane.task_worker is not None:
                lane.task_worker.running = False

    # --- the loop --------------------------------------------------------------------------
    def run(self) -> None:
        self.out(
            f"Worker {self.worker_id}: tasks from queue {','.join(self.queues)} "
            f"(checked every {self.interval:g} s); scheduled publishing and webhook retries "
            f"every {self.every:g} s. Stop with Ctrl-C or SIGTERM."
        )
        task_finished.connect(self._report_task, dispatch_uid=f"worker-{self.worker_id}")
        try:
            if self.once:
                self._run_once()
            else:
                if self.hooks is not None:
                    self.hooks_thread = threading.Thread(
                        target=self._run_hooks, name=f"webhooks-{self.worker_id}", daemon=True
                    )
                    self.hooks_thread.start()
                self._run_main()
        finally:
            self.stop()
            if self.hooks_thread is not None:
                self.hooks_thread.join()  # the current attempt: at most webhooks.TIMEOUT_SECONDS
            task_finished.disconnect(dispatch_uid=f"worker-{self.worker_id}")
        self.out(f"Worker {self.worker_id} stopped.")

    def _run_once(self) -> None:
        """One periodic pass, then every ready task of both lanes, one lane after the other."""
        self.run_periodic()
        self.run_retries()
        while not self.stopping:
            ran = self.run_tasks(self.main)
            if self.hooks is not None and not self.stopping:
                ran += self.run_tasks(self.hooks)
            if ran == 0:
                break

    def _run_main(self) -> None:
        while not self.stopping:
            if time.monotonic() >= self.next_periodic:
                self.next_periodic = time.monotonic() + self.every
                self.run_periodic()
            ran = self.run_tasks(self.main)
            if ran < TASK_BATCH:
                self._sleep(self.interval)

    def _run_hooks(self) -> None:
        try:
            while not self.stopping:
                if time.monotonic() >= self.next_retries:
                    self.next_retries = time.monotonic() + self.every
                    self.run_retries()
                ran = self.run_tasks(self.hooks)
                if ran < TASK_BATCH:
                    self._sleep(self.interval)
        except Exception:  # noqa: BLE001 - never silently: the main lane stops the worker
            logger.exception("The webhook lane failed")
            self.out("The webhook lane failed (see the log); stopping the worker.")
            self.stop()
        finally:
            connections.close_all()  # this thread's connections

    def run_tasks(self, lane: Lane | None = None) -> int:
        """Run up to TASK_BATCH ready tasks of `lane` (default: the main lane); how many ran."""
        lane = lane or self.main
        if not lane.queues:
            return 0
        lane.task_worker = TaskWorker(
            queue_names=lane.queues,
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=TASK_BATCH,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        lane.task_worker.running = not self.stopping
        lane.ran = 0
        self._current.lane = lane
        try:
            lane.task_worker.run()
        except Exception:  # noqa: BLE001 - e.g. the database is away; try again later
            logger.exception("The task queue could not be read")
            self.out("The task queue could not be read (see the log); retrying.")
            close_old_connections()
            self._sleep(max(self.interval, 5))
        return lane.ran

    def run_retries(self) -> None:
        """The webhook retry pass (the webhook lane's periodic job)."""
        if self.hooks is None or self.stopping:
            return
        close_old_connections()
        try:
            delivered, failed = webhooks.deliver_due(should_stop=lambda: self.stopping)
            if delivered or failed:
                self.out(f"Webhook retries: {delivered} delivered, {failed} failed attempts.")
        except Exception:  # noqa: BLE001
            logger.exception("The webhook retry pass failed")
            self.out("The webhook retry pass failed (see the log); it runs again next minute.")

    def run_periodic(self) -> None:
        close_old_connections()
        try:
            changed = publish_scheduled(self.worker_id)
            if changed:
                self.out(f"Scheduled publishing: {changed} published or unpublished.")
            elif changed is None:
                logger.debug("Scheduled publishing runs in another worker")
        except Exception:  # noqa: BLE001 - one failed pass must not stop the worker
            logger.exception("Scheduled publishing failed")
            self.out("Scheduled publishing failed (see the log); it runs again next minute.")
        if not self.stopping:
            try:  # rules changed: recompute a batch of cached compliance levels each minute
                refreshed = compliance_status.refresh_stale(limit=COMPLIANCE_BATCH)
                if refreshed:
                    self.out(f"Compliance status: {refreshed} stale script(s) recomputed.")
            except Exception:  # noqa: BLE001
                logger.exception("Refreshing compliance status failed")
        if time.monotonic() >= self.next_prune and not self.stopping:
            self.next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
            try:
                call_command(
                    "prune_db_task_results",
                    f"--min-age-days={KEEP_RESULTS_DAYS}",
                    f"--failed-min-age-days={KEEP_RESULTS_DAYS}",
                    "--queue-name=*",
                    verbosity=0,  # at 1 it would set the queue's logger to INFO for good
                    stdout=io.StringIO(),
                )
            except Exception:  # noqa: BLE001
                logger.exception("Pruning old task results failed")
            try:
                import_jobs.prune()
            except Exception:  # noqa: BLE001
                logger.exception("Pruning old import jobs failed")
        close_old_connections()

    def _sleep(self, seconds: float) -> None:
        # Short naps, so a signal is acted on within half a second.
        deadline = time.monotonic() + seconds
        while not self.stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.5))

    def _report_task(self, sender, task_result, **kwargs) -> None:
        lane = getattr(self._current, "lane", None)
        if lane is None:  # a task of another worker in this process (tests)
            return
        lane.ran += 1
        status = getattr(task_result.status, "value", task_result.status)
        self.out(f"Task {task_result.task.module_path} {task_result.args}: {status}")
