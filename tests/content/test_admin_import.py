"""话术库 → 导入: upload, check (every row error, nothing written), import in the background."""

import io

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from content import import_jobs
from content.import_run import import_file
from content.models import ImportJob, Script
from tests.personas.factories import PersonaFactory

from .test_import_export import mixed_sheet

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def personas():
    return PersonaFactory(slug="xiaomei"), PersonaFactory(slug="dr-lin")


def upload(client, path, **extra):
    data = SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)
    return client.post(reverse("content_import:index"), {"file": data, **extra})


def test_a_bad_row_is_listed_with_row_and_column_and_nothing_is_written(
    copywriter_client, personas, tmp_path
):
    bad = ["c-2", "chat", "dr-lin", "在吗", "convert", "在的", "评论区见"]
    response = upload(copywriter_client, mixed_sheet(tmp_path / "mixed.xlsx", bad))
    job = ImportJob.objects.get()
    assert response.url == reverse("content_import:job", args=[job.pk])
    page = copywriter_client.get(response.url).content.decode()
    assert "first_comment" in page and "<td>6</td>" in page
    assert "data-import-start" not in page
    assert not Script.objects.exists()
    assert not import_jobs.confirm(job)  # a file with errors cannot be started
    job.refresh_from_db()
    assert bytes(job.data) == b""  # so it is not kept: a corrected file is a new upload


def test_a_clean_file_is_checked_then_imported_with_a_summary(
    copywriter_client, personas, tmp_path
):
    response = upload(copywriter_client, mixed_sheet(tmp_path / "mixed.xlsx"))
    page = copywriter_client.get(response.url).content.decode()
    assert "data-import-start" in page and not Script.objects.exists()
    job = ImportJob.objects.get()
    status = copywriter_client.get(reverse("content_import:status", args=[job.pk])).json()
    assert status["state"] == "checked" and status["result"]["created"] == 4

    response = copywriter_client.post(response.url)
    job = ImportJob.objects.get()
    assert job.state == "imported" and job.result["created"] == 4
    assert bytes(job.data) == b""  # the upload is not kept after the import
    assert Script.objects.filter(live=False).count() == 4
    page = copywriter_client.get(response.url).content.decode()
    assert "data-import-summary" in page and "data-import-start" not in page


def test_the_template_has_every_column_and_imports_as_it_is(copywriter_client, tmp_path):
    PersonaFactory(slug="xiaomei")
    response = copywriter_client.get(reverse("content_import:template"))
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert {"external_id", "kind", "first_comment", "segments", "triggers"} <= set(header)
    kinds = [row[header.index("kind")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert kinds == ["moment", "group", "livestream", "chat"]
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    upload(copywriter_client, path)
    assert ImportJob.objects.get().result["error_count"] == 0


def test_the_request_only_queues_the_check(copywriter_client, personas, tmp_path, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "webhooks"]}
    }
    upload(copywriter_client, mixed_sheet(tmp_path / "mixed.xlsx"))
    job = ImportJob.objects.get()
    assert job.state == "checking" and job.rows == 0
    assert DBTaskResult.objects.filter(task_path="content.import_jobs.check_task").count() == 1
    page = copywriter_client.get(reverse("content_import:job", args=[job.pk])).content.decode()
    assert 'role="progressbar"' in page and "import_progress.js" in page


def test_progress_counts_validated_then_written_rows(copywriter, personas):
    job = ImportJob.objects.create(
        user=copywriter, file_name="a.xlsx", data=b"", state="checking", rows=200, done=50
    )
    assert import_jobs.progress(job)["percent"] == 25
    job.state, job.done = "importing", 200
    assert import_jobs.progress(job)["percent"] == 50
    # Written by the worker, another process: a cache object of its own on the same store.
    worker_cache = caches.create_connection("progress")
    worker_cache.set(f"content:import-job:{job.pk}:written", 100)
    assert import_jobs.progress(job)["percent"] == 75


def test_without_redis_progress_goes_through_files_both_processes_see(settings):
    """The embedded setup has a cache per process; the bar would rest at 50% while the worker
    writes. Progress therefore has a cache of its own: files in the data folder."""
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        assert settings.CACHES["progress"]["LOCATION"] == settings.CACHES["default"]["LOCATION"]
    else:
        assert settings.CACHES["progress"]["BACKEND"].endswith("FileBasedCache")


def test_only_users_who_may_add_scripts_import_and_only_their_own_jobs(
    client, make_user, copywriter, personas
):
    job = ImportJob.objects.create(user=copywriter, file_name="a.xlsx", data=b"")
    client.force_login(make_user("reader"))
    assert client.get(reverse("content_import:index")).status_code in (302, 403)
    other = make_user("other", "Copywriters")
    client.force_login(other)
    assert client.get(reverse("content_import:index")).status_code == 200
    assert client.get(reverse("content_import:status", args=[job.pk])).status_code == 404
    client.force_login(copywriter)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("content_import:index") in home


def test_a_wrong_file_type_is_a_form_error(copywriter_client):
    data = SimpleUploadedFile("notes.txt", b"hello")
    response = copywriter_client.post(reverse("content_import:index"), {"file": data})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_a_crash_in_the_worker_ends_the_job_with_an_error_not_a_spinner(
    copywriter_client, personas, tmp_path, monkeypatch
):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(import_jobs, "import_file", crash)
    upload(copywriter_client, mixed_sheet(tmp_path / "mixed.xlsx"))
    job = ImportJob.objects.get()
    assert job.state == "checked" and job.result["error_count"] == 1
    assert not import_jobs.progress(job)["running"]


def test_each_row_needs_its_kinds_permission_and_nothing_is_written(
    client, make_user, personas, tmp_path
):
    """May add moments only: the other kinds' rows are refused, row by row, in the check and
    in the import itself; once allowed to change group scripts, an existing one updates."""
    from django.contrib.auth.models import Permission

    from tests.content.factories import GroupScriptFactory

    user = make_user("moments-only")
    user.user_permissions.add(*Permission.objects.filter(
        codename__in=["access_admin", "add_momentscript", "change_momentscript"]
    ))  # fmt: skip
    client.force_login(user)
    GroupScriptFactory(external_id="g-1", persona=personas[1], title="旧标题")
    response = upload(client, mixed_sheet(tmp_path / "mixed.xlsx"))
    page = client.get(response.url).content.decode()
    assert "你无权修改社群话术。" in page  # g-1 exists: changing it needs change_groupscript
    assert "你无权新建直播话术。" in page and "你无权新建私聊回复。" in page
    assert "你无权新建朋友圈文案" not in page and "data-import-start" not in page
    result = import_file(mixed_sheet(tmp_path / "again.xlsx"), user=user)
    assert sorted(error.row for error in result.errors) == [3, 4, 5]
    assert list(Script.objects.values_list("external_id", "title")) == [("g-1", "旧标题")]

    user.user_permissions.add(*Permission.objects.filter(codename__in=[
        "change_groupscript", "add_livestreamscript", "add_chatscript"
    ]))  # fmt: skip
    user = type(user).objects.get(pk=user.pk)  # permissions are cached per user object
    result = import_file(mixed_sheet(tmp_path / "third.xlsx"), user=user)
    assert result.ok, [str(error) for error in result.errors]
    assert Script.objects.get(external_id="g-1").get_latest_revision_as_object().title == "入群欢迎"
