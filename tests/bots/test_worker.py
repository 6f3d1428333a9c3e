"""The request only queues; `manage.py worker` sends webhooks and runs scheduled publishing.

These tests switch TASKS to the database backend (the default everywhere but the test suite)."""

import io
import json
import os
import signal
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from bots import worker as worker_module
from bots.models import BotClient, Webhook, WebhookDelivery, WorkerLease
from content.models import MomentScript
from tests.content.factories import MomentScriptFactory
from tests.content.test_admin import form, url
from tests.content.test_import_export import row, write_jsonl
from tests.personas.factories import PersonaFactory

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "webhooks"]}
}


@pytest.fixture
def db_tasks(settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    # The worker drops stale connections between rounds, as it should in production; inside a
    # test's transaction (PostgreSQL keeps connections) that would throw the test's data away.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker_module, "close_old_connections", lambda: None)


@pytest.fixture
def persona():
    return PersonaFactory(slug="xiaomei", name="小美", address_terms=["宝子们"])


@pytest.fixture
def hooks(receiver, persona):
    """Four bots, each with a webhook for the persona."""
    for n in range(4):
        client, _token = BotClient.create(f"bot-{n}", personas=[persona])
        Webhook.objects.create(client=client, url=f"{receiver.url}?bot={n}")


def run_worker(*args):
    out = io.StringIO()
    call_command("worker", "--once", *args, stdout=out)
    return out.getvalue()


def queued_sends():
    return DBTaskResult.objects.filter(task_path="bots.webhooks.send_task").count()


def test_an_admin_publish_only_queues_and_the_worker_sends(
    db_tasks, hooks, receiver, persona, manager_client, django_capture_on_commit_callbacks
):
    quiet = form(persona, messages=[("text", "新品上市，欢迎了解。")], variables=[])
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(url(MomentScript, "add"), {**quiet, "action-publish": "1"})
    assert response.status_code == 302 and MomentScript.objects.get().live
    assert receiver.requests == []  # no HTTP attempt inside the request
    assert queued_sends() == 4
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("pending", 0)}

    output = run_worker()
    assert receiver.events() == ["script.published"] * 4
    assert sorted(r["path"] for r in receiver.requests) == [f"/hook?bot={n}" for n in range(4)]
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {("delivered", 1)}
    assert output.count("Task bots.webhooks.send_task") == 4


def test_an_import_with_publish_only_queues(
    db_tasks, hooks, receiver, persona, tmp_path, django_capture_on_commit_callbacks
):
    rows = [
        row(
            external_id=f"m-{n}",
            title=f"新品{n}",
            variables=[],
            messages=[{"type": "text", "text": "新品上市"}],
        )
        for n in range(10)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "import_content",
            str(write_jsonl(tmp_path / "in.jsonl", rows)),
            "--publish",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert MomentScript.objects.filter(live=True).count() == 10
    assert receiver.requests == [] and queued_sends() == 40

    run_worker()
    assert len(receiver.requests) == 40
    assert WebhookDelivery.objects.filter(status="delivered").count() == 40


def test_the_worker_runs_scheduled_publishing(
    db_tasks, hooks, receiver, persona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        expiring = MomentScriptFactory(persona=persona)
        waiting = MomentScriptFactory(persona=persona, publish=False)
    run_worker()  # sends the published events of `expiring`
    receiver.requests.clear()
    revision = waiting.save_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()
    MomentScript.objects.filter(pk=expiring.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        output = run_worker()
    assert "Scheduled publishing: 2 published or unpublished." in output
    waiting.refresh_from_db()
    expiring.refresh_from_db()
    assert waiting.live and not expiring.live and expiring.expired
    # Their webhooks were queued by the scheduled pass and sent by the worker's next round.
    run_worker()
    events = sorted(json.loads(r["body"])["event"] for r in receiver.requests)
    assert events == ["script.published"] * 4 + ["script.unpublished"] * 4


def test_only_one_worker_at_a_time_runs_scheduled_publishing(db_tasks, persona):
    waiting = MomentScriptFactory(persona=persona, publish=False)
    revision = waiting.save_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()
    assert worker_module.claim_lease(worker_module.PUBLISH_LEASE, "other-worker")

    output = run_worker()
    waiting.refresh_from_db()
    assert not waiting.live and "Scheduled publishing" not in output

    # The other worker died: its lease runs out, and the next pass publishes.
    WorkerLease.objects.update(until=timezone.now() - timedelta(seconds=1))
    run_worker()
    waiting.refresh_from_db()
    assert waiting.live
    lease = WorkerLease.objects.get()
    assert lease.holder != "other-worker" and lease.until <= timezone.now()  # released


def test_a_lease_has_one_winner():
    assert worker_module.claim_lease("job", "a")
    assert not worker_module.claim_lease("job", "b")
    worker_module.release_lease("job", "b")  # not b's to release
    assert not worker_module.claim_lease("job", "b")
    worker_module.release_lease("job", "a")
    assert worker_module.claim_lease("job", "b")


@task()
def stop_the_worker() -> str:
    os.kill(os.getpid(), signal.SIGTERM)
    return "finished anyway"


@task()
def never_run() -> None:
    raise AssertionError("the worker was asked to stop before this task")


def test_sigterm_finishes_the_current_task_and_stops(db_tasks):
    first = stop_the_worker.enqueue()
    second = never_run.enqueue()
    lines = []
    # A safety net, not a timing assertion: if the task never runs, stop anyway and fail below.
    safety = threading.Timer(120, os.kill, (os.getpid(), signal.SIGTERM))
    try:
        worker = worker_module.Worker(interval=0.1, every=3600, out=lines.append)
        previous = worker.install_signals()
        safety.start()
        worker.run()  # would loop for ever without the signal
    finally:
        safety.cancel()
        worker.restore_signals(previous)
    assert DBTaskResult.objects.get(pk=first.id).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=second.id).status == "READY"
    assert any("SIGTERM: stopping after the current work" in line for line in lines)
    assert lines[-1].endswith("stopped.")


def test_the_worker_refuses_to_run_without_the_database_backend():
    with pytest.raises(CommandError, match="not the database backend"):
        call_command("worker", "--once", stdout=io.StringIO())


def test_the_worker_prunes_task_results_older_than_a_week(db_tasks):
    old, recent = never_run.enqueue(), never_run.enqueue()
    DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=timezone.now())
    DBTaskResult.objects.filter(pk=old.id).update(finished_at=timezone.now() - timedelta(days=8))
    run_worker()
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [recent.db_result.pk]


def test_the_worker_deletes_import_jobs_older_than_thirty_days_but_not_running_ones(
    db_tasks, copywriter
):
    from content.models import ImportJob

    def job(days, state):
        made = ImportJob.objects.create(user=copywriter, file_name=f"{state}-{days}.xlsx",
                                        data=b"x" * 1000, state=state)  # fmt: skip
        ImportJob.objects.filter(pk=made.pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )
        return made.pk

    kept = [job(29, "checked"), job(40, "checking")]  # recent; queued, never started: running
    job(31, "checked"), job(45, "imported"), job(60, "failed"), job(90, "interrupted")
    run_worker()
    assert sorted(ImportJob.objects.values_list("pk", flat=True)) == sorted(kept)


def test_webhook_deliveries_have_a_queue_of_their_own(
    db_tasks, hooks, receiver, persona, django_capture_on_commit_callbacks
):
    backlog = [never_run.enqueue() for _ in range(3)]  # e.g. an import's search-index tasks
    with django_capture_on_commit_callbacks(execute=True):
        MomentScriptFactory(persona=persona)
    sends = DBTaskResult.objects.filter(task_path="bots.webhooks.send_task")
    assert set(sends.values_list("queue_name", flat=True)) == {"webhooks"}

    # A worker of the default queue only (e.g. one kept for indexing) leaves deliveries alone …
    DBTaskResult.objects.filter(pk__in=[r.id for r in backlog]).delete()
    run_worker("--queue", "default")
    assert receiver.requests == []
    assert set(sends.values_list("status", flat=True)) == {"READY"}
    # … and one of the webhooks queue sends them, without touching the default queue's work.
    waiting = never_run.enqueue()
    output = run_worker("--queue", "webhooks")
    assert receiver.events() == ["script.published"] * 4
    assert DBTaskResult.objects.get(pk=waiting.id).status == "READY"
    assert output.count("Task bots.webhooks.send_task") == 4


def test_the_worker_serves_both_queues_by_default(db_tasks):
    worker = worker_module.Worker(once=True, out=lambda line: None)
    assert worker.main.queues == ["default"] and worker.hooks.queues == ["webhooks"]
    only_default = worker_module.Worker(queues=["default"], out=lambda line: None)
    assert only_default.hooks is None
