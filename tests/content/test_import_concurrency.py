"""Two `import_content` processes at once (content/import_lock.py, content/import_run.py).

Both validate "these external_ids are new" before either writes; before the lock the second died
with an IntegrityError (PostgreSQL) or "database is locked" (SQLite). The test holds the import
lock itself until both processes have validated and are waiting, then lets them go: one creates
the scripts, the other must validate again under the lock and update them.

Real processes against a real database file: for SQLite the in-memory test database is copied
to a file; for PostgreSQL they connect to the test database.
"""

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from content.import_lock import ADVISORY_KEY, sqlite_lock_path
from tests.personas.factories import PersonaFactory

ROOT = Path(__file__).resolve().parents[2]
WAITING_MARK = "waiting"


def database_url(tmp_path) -> str:
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    import sqlite3

    path = tmp_path / "db.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


class HeldLock:
    """The import lock, held by the test as if a third import were writing."""

    def __init__(self, url: str):
        self.url = url

    def __enter__(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_KEY])
        else:
            path = sqlite_lock_path(self.url.removeprefix("sqlite:///"))
            self.handle = path.open("a")
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def release(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
        else:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()

    def __exit__(self, *exc):
        return False


def start_import(url: str, path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.test",
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "import_content", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_waiting(process: subprocess.Popen) -> list[str]:
    """Read the process's stderr up to the line saying it waits for the lock (or to its end)."""
    lines = []
    for line in process.stderr:
        lines.append(line)
        if "等待" in line or WAITING_MARK in line.lower():
            break
    return lines


def write_rows(path: Path, title: str) -> Path:
    rows = [
        {
            "external_id": f"m-{n}",
            "kind": "moment",
            "persona": "xiaomei",
            "title": f"{title}{n}",
            "stage": "attract",
            "messages": [{"type": "text", "text": f"宝子们{title}{n}"}],
        }
        for n in range(1, 4)
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_import_waits_validates_again_and_updates(tmp_path):
    assert settings.DATABASES["default"]["ENGINE"]  # SQLite or PostgreSQL, whichever runs
    PersonaFactory(slug="xiaomei")
    url = database_url(tmp_path)
    first_file = write_rows(tmp_path / "first.jsonl", "甲")
    second_file = write_rows(tmp_path / "second.jsonl", "乙")

    with HeldLock(url) as lock:
        first = start_import(url, first_file)
        seen_first = wait_until_waiting(first)
        second = start_import(url, second_file)
        seen_second = wait_until_waiting(second)
        lock.release()
        outputs = []
        for process, seen in ((first, seen_first), (second, seen_second)):
            out, err = process.communicate(timeout=300)
            outputs.append((process.returncode, out, "".join(seen) + err))

    assert [code for code, _out, _err in outputs] == [0, 0], outputs
    summaries = " | ".join(out for _code, out, _err in outputs)
    # One of them created the three scripts, the other updated them: no crash, no duplicate.
    assert "3 were created, 0 updated" in summaries, summaries
    assert "0 were created, 3 updated" in summaries, summaries
    assert "validated again" in summaries or "再次校验" in summaries or "重新校验" in summaries
    assert all("Traceback" not in err for _code, _out, err in outputs)

    export = tmp_path / "after.jsonl"
    check = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "export_content", str(export)],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "site_config.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stderr
    exported = [json.loads(line) for line in export.read_text("utf-8").splitlines()]
    assert sorted(row["external_id"] for row in exported) == ["m-1", "m-2", "m-3"]
