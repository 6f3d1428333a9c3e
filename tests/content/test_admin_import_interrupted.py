"""An admin import whose worker dies (kill -9, a crash) says so and can be tried again; one
that runs or waits in the queue is left alone. (The real kill -9: tests/system.)"""

import threading

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from content import import_jobs
from content.import_lock import job_alive, job_lock
from content.models import ImportJob, Script
from tests.personas.factories import PersonaFactory

from .test_admin_import import upload
from .test_import_export import mixed_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(copywriter_client, tmp_path):
    PersonaFactory(slug="xiaomei"), PersonaFactory(slug="dr-lin")
    response = upload(copywriter_client, mixed_sheet(tmp_path / "mixed.xlsx"))
    job = ImportJob.objects.get()
    assert job.state == "checked" and job.result["error_count"] == 0
    return response.url, job


def _in_another_process(pk: int) -> bool:
    """Whether another worker (a thread with its own database connection) could take the job."""
    held = []

    def other():
        try:
            with job_lock(pk) as taken:
                held.append(taken)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    return held[0]


def _status(client, job):
    return client.get(reverse("content_import:status", args=[job.pk])).json()


def test_an_import_whose_worker_died_is_interrupted_and_can_be_tried_again(
    copywriter_client, checked
):
    url, job = checked
    # What a killed worker leaves: the job began importing, nobody holds its liveness lock.
    ImportJob.objects.filter(pk=job.pk).update(state="importing", started_at=timezone.now())
    status = _status(copywriter_client, job)
    assert status["state"] == "interrupted" and not status["running"]
    assert status["result"]["interrupted"] == "importing"
    page = copywriter_client.get(url).content.decode()
    assert "data-import-interrupted" in page and "data-import-retry" in page
    assert "没有写入任何内容" in page  # Nothing was written
    assert not Script.objects.exists()

    copywriter_client.post(url)  # 再试一次 (the tests' task backend runs it at once)
    job.refresh_from_db()
    assert job.state == "imported" and job.result["created"] == 4
    assert "interrupted" not in job.result
    assert Script.objects.count() == 4
    assert not job_alive(job.pk)


def test_an_interrupted_check_runs_the_check_again(copywriter_client, checked):
    url, job = checked
    ImportJob.objects.filter(pk=job.pk).update(
        state="checking", started_at=timezone.now(), result={}
    )
    assert _status(copywriter_client, job)["state"] == "interrupted"
    copywriter_client.post(url)
    job.refresh_from_db()
    assert job.state == "checked" and job.result["created"] == 4
    assert not Script.objects.exists()


def test_a_running_or_queued_job_is_left_alone(copywriter_client, checked):
    _url, job = checked
    ImportJob.objects.filter(pk=job.pk).update(state="importing", started_at=None)
    assert _status(copywriter_client, job)["state"] == "importing"  # waits for a worker
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())
    with job_lock(job.pk) as held:  # a worker runs it
        assert held and job_alive(job.pk)
        assert _status(copywriter_client, job)["state"] == "importing"
        assert not _in_another_process(job.pk)  # a second worker does not run it twice
    assert not import_jobs.retry(job)  # not interrupted: nothing to retry
