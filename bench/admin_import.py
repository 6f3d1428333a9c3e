"""Benchmark: an admin import of 5,000 mixed-kind rows (话术库 → 导入).

Run by hand from the project root:
    .venv/bin/python -m bench.admin_import [--rows 5000]
A throw-away SQLite database in a temporary data folder. It times the two requests (upload,
"import now": they only queue) and the two background runs the worker does (check, import),
calling the task body directly as `manage.py worker` would.
"""

import argparse
import io
import os
import platform
import tempfile
import time

os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="siyu-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.dev")
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def sheet(rows: int) -> bytes:
    import json

    from openpyxl import Workbook

    from content.import_template import COLUMNS

    segments = json.dumps(
        [{"name": "开场", "minutes": 5}, {"name": "产品讲解：气垫", "minutes": 15}]
    )
    kinds = [
        {"kind": "moment", "text": "宝子们，新品到啦～第{n}条", "first_comment": "评论区见"},
        {"kind": "group", "text": "欢迎第{n}位新朋友", "group_types": "newcomer",
         "purpose": "welcome", "trigger": "on_join"},
        {"kind": "livestream", "segments": segments},
        {"kind": "chat", "text": "在的，第{n}条回复", "triggers": "在吗{n}"},
    ]  # fmt: skip
    book = Workbook(write_only=True)
    ws = book.create_sheet("scripts")
    ws.append(COLUMNS)
    for n in range(rows):
        spec = kinds[n % 4]
        row = {"external_id": f"bench-{n}", "persona": "xiaomei", "title": f"话术{n}",
               "stage": "attract", "tags": "新品"}  # fmt: skip
        row.update({k: v.replace("{n}", str(n)) for k, v in spec.items()})
        ws.append([row.get(column, "") for column in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from content import import_jobs
    from content.models import ImportJob, Script
    from core import roles
    from personas import demo as personas_demo

    call_command("migrate", verbosity=0)
    personas_demo.load(io.StringIO())
    user = User.objects.create_user("bench")
    user.groups.add(Group.objects.get(name=roles.COPYWRITERS))
    client = Client()
    client.force_login(user)
    data = sheet(args.rows)
    client.get(reverse("content_import:index"))  # warm up (URLs, templates) before timing

    started = time.perf_counter()
    upload = SimpleUploadedFile("bench.xlsx", data)
    response = client.post(reverse("content_import:index"), {"file": upload})
    upload_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        raise SystemExit(f"upload refused: {response.status_code}")
    job = ImportJob.objects.get()

    started = time.perf_counter()
    import_jobs._run(job.pk, dry_run=True)
    check_s = time.perf_counter() - started
    job.refresh_from_db()
    if job.result["error_count"]:
        raise SystemExit(f"check found errors: {job.result['errors'][:5]}")

    started = time.perf_counter()
    response = client.post(reverse("content_import:job", args=[job.pk]))
    confirm_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    import_jobs._run(job.pk, dry_run=False)
    import_s = time.perf_counter() - started
    job.refresh_from_db()
    if job.state != "imported" or Script.objects.count() != args.rows:
        raise SystemExit(f"import failed: {job.result}")

    print(
        f"admin import of {args.rows} mixed rows ({len(data) // 1024} KB XLSX), SQLite, "
        f"{platform.python_implementation()} {platform.python_version()}: upload request "
        f"{upload_ms:.0f} ms, check (worker) {check_s:.1f} s, import-now request "
        f"{confirm_ms:.0f} ms, import (worker) {import_s:.1f} s "
        f"({args.rows / import_s:.0f} rows/s)"
    )


if __name__ == "__main__":
    main()
