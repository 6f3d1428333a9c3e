"""The Whoosh index is written when the database commits, not inside the transaction
(search/backends/after_commit.py): a crash or rollback mid-import leaves no orphan documents.

pytest-django wraps each test in a transaction that never commits, so these tests run the
commit callbacks with `django_capture_on_commit_callbacks(execute=True)`.
"""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings
from wagtail.search.backends import get_search_backend

from content import import_run
from content.models import Script
from search import index_admin
from tests.personas.factories import PersonaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def whoosh(tmp_path):
    settings = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": str(tmp_path / "index"),
            "AUTO_UPDATE": True,
        }
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=settings):
        backend = get_search_backend()
        backend.get_index_for_model(Script).add_model(Script)
        yield backend


@pytest.fixture
def jsonl(tmp_path):
    PersonaFactory(slug="xiaomei")

    def write(*titles):
        rows = [
            {
                "external_id": f"m-{n}",
                "kind": "moment",
                "persona": "xiaomei",
                "title": title,
                "stage": "attract",
                "messages": [{"type": "text", "text": f"宝子们 第{n}条"}],
            }
            for n, title in enumerate(titles, start=1)
        ]
        path = tmp_path / "rows.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
        return path

    return write


def indexed(backend) -> set[str]:
    return backend.indexed_ids(Script)


def found(backend, query) -> list[str]:
    return [script.title for script in backend.search(query, Script)]


def test_a_crash_after_the_saves_but_before_the_commit_leaves_no_orphans(
    whoosh, jsonl, monkeypatch, django_capture_on_commit_callbacks
):
    path = jsonl("会员日预告", "双十一直播预热", "燕窝礼盒上新")
    write = import_run._write
    written = []

    def write_then_crash(item, **kwargs):
        write(item, **kwargs)  # saved, revision saved, post_save fired: indexed before the fix
        written.append(item.external_id)
        if len(written) == 3:
            raise KeyboardInterrupt  # what kill -9 does to the transaction: it never commits

    monkeypatch.setattr(import_run, "_write", write_then_crash)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(KeyboardInterrupt):
        import_run.import_file(path, publish=True)

    assert not Script.objects.exists()
    assert indexed(whoosh) == set()
    assert not any(index_admin.check().orphaned.values())


def test_import_admin_save_publish_and_delete_reach_the_index_when_they_commit(
    whoosh, jsonl, django_capture_on_commit_callbacks, monkeypatch
):
    from search.backends.whoosh import WhooshIndex

    path = jsonl("会员日预告", "双十一直播预热")
    writes = []
    add_items = WhooshIndex.add_items
    monkeypatch.setattr(
        WhooshIndex,
        "add_items",
        lambda self, model, items: writes.append(model) or add_items(self, model, items),
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert import_run.import_file(path, publish=True).ok
        assert indexed(whoosh) == set()  # not yet: the transaction has not committed
    assert callbacks
    assert len(writes) == len(set(writes))  # one write per model, not one per save
    assert found(whoosh, "会员日") == ["会员日预告"]
    script = Script.objects.get(external_id="m-1").as_kind()

    # Admin edit + publish (a revision published inside its own transaction).
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        script.title = "燕窝礼盒上新"
        script.save_revision().publish()
    assert found(whoosh, "燕窝") == ["燕窝礼盒上新"]
    assert found(whoosh, "会员日") == []

    # A change rolled back never reaches the index.
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        script.title = "冻干面膜"
        script.save_revision().publish()
        raise RuntimeError
    assert found(whoosh, "面膜") == []
    assert found(whoosh, "燕窝") == ["燕窝礼盒上新"]

    # Deleting: removed when the delete commits.
    with django_capture_on_commit_callbacks(execute=True):
        Script.objects.get(external_id="m-2").delete()
    assert found(whoosh, "直播") == []
    assert indexed(whoosh) == {str(script.pk)}


@pytest.mark.parametrize("repair", ["clean", "rebuild"])
def test_check_reports_orphans_and_clean_or_rebuild_removes_them(whoosh, jsonl, capsys, repair):
    """What an import killed before this change left behind: documents of rolled-back rows."""
    from search.analysis import index_text

    index = whoosh.get_index_for_model(Script)
    index.write_documents(
        [{"pk": "987654", "ct": "content.script", "t_title": index_text("孤儿文档")}]
    )
    with pytest.raises(CommandError):
        call_command("search_index", "check")
    assert "987654" in capsys.readouterr().out
    call_command("search_index", repair)
    call_command("search_index", "check")
    assert indexed(whoosh) == set()
    assert "The search index is complete" in capsys.readouterr().out


def test_clean_on_the_database_backend(jsonl, capsys):
    """The database backend indexes inside the transaction; `clean` works on it too."""
    assert import_run.import_file(jsonl("会员日预告"), publish=True).ok
    script = Script.objects.get()
    call_command("search_index", "rebuild")
    Script.objects.filter(pk=script.pk)._raw_delete(Script.objects.db)  # leaves its entries
    with pytest.raises(CommandError):
        call_command("search_index", "check")
    assert str(script.pk) in capsys.readouterr().out
    call_command("search_index", "clean")
    call_command("search_index", "check")


KILLED_IMPORT = """
import os, signal, sys
import django
django.setup()
from django.conf import settings
from content import import_run
print(settings.WAGTAILSEARCH_BACKENDS["default"]["PATH"], flush=True)
write, done = import_run._write, []
def write_then_die(item, **kwargs):
    write(item, **kwargs)
    done.append(item)
    if len(done) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
import_run._write = write_then_die
import_run.import_file(sys.argv[1], publish=True)
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_kill_9_during_an_import_leaves_neither_rows_nor_documents(tmp_path):
    """A real process, killed (SIGKILL) after three saves of a four-row import."""
    import os
    import signal
    import subprocess
    import sys

    from whoosh.index import exists_in, open_dir

    from tests.content.test_import_concurrency import ROOT, database_url

    PersonaFactory(slug="xiaomei")
    rows = [
        {
            "external_id": f"k-{n}",
            "kind": "moment",
            "persona": "xiaomei",
            "title": f"会员日预告{n}",
            "stage": "attract",
            "messages": [{"type": "text", "text": "宝子们"}],
        }
        for n in range(4)
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    url = database_url(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.test",
        "SEARCH_BACKEND": "whoosh",
    }
    process = subprocess.run(  # noqa: S603 - our own code, fixed arguments
        [sys.executable, "-c", KILLED_IMPORT, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr
    index_path = process.stdout.strip()
    if exists_in(index_path, indexname="content.script"):
        with open_dir(index_path, indexname="content.script").searcher() as searcher:
            assert searcher.doc_count() == 0
    if connection.vendor == "postgresql":
        assert not Script.objects.exists()
    else:
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as copy:
            table = Script._meta.db_table
            assert copy.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)  # noqa: S608


def test_a_failed_write_after_commit_marks_the_index_incomplete(
    whoosh, jsonl, django_capture_on_commit_callbacks, monkeypatch
):
    """The data is committed but the index could not take it (say the write lock timed out):
    the save succeeds, and the index says it is behind until a rebuild."""
    from search.backends import whoosh_state
    from search.backends.whoosh import WhooshIndex

    def locked(self, model, items):
        raise whoosh_state.IndexLocked("held by another process")

    index = whoosh.get_index_for_model(Script)
    monkeypatch.setattr(WhooshIndex, "add_items", locked)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_run.import_file(jsonl("会员日预告"), publish=True).ok
    assert Script.objects.filter(title="会员日预告").exists()
    assert whoosh_state.is_incomplete(index.path, index.name)

    monkeypatch.undo()
    index_admin.rebuild()
    assert not whoosh_state.is_incomplete(index.path, index.name)
    assert found(whoosh, "会员日") == ["会员日预告"]
