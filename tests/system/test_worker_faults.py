"""Faults that need no service stopped, on the shared two instances: a process killed in the
middle of an import, a webhook receiver that never answers, two publishes of one script at once.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import time

import pytest

from .cluster import PYTHON, ROOT, wait_for
from .databases import sql

# content/import_lock.py: pg_advisory_lock(0x696D706F7274) shows in pg_locks as these halves.
IMPORT_LOCK = (0x696D, 0x706F7274)


def _import_file(path, prefix: str, rows: int):
    lines = [
        {
            "external_id": f"{prefix}-{n}",
            "kind": "moment",
            "persona": "xiaomei",
            "title": f"中秋月饼团购{n}号团",
            "stage": "attract",
            "messages": [{"type": "text", "text": f"宝子们，月饼{n}号团开团啦"}],
        }
        for n in range(1, rows + 1)
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n", "utf-8")
    return path


def _lock_holder(url: str) -> int | None:
    rows = sql(
        url,
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s "
        "AND objid = %s AND database = (SELECT oid FROM pg_database WHERE datname = "
        "current_database())",
        IMPORT_LOCK,
    )
    return rows[0][0] if rows else None


def _writing(url: str, pid: int) -> bool:
    """The import's transaction has written rows (it has a transaction id)."""
    rows = sql(url, "SELECT backend_xid FROM pg_stat_activity WHERE pid = %s", (pid,))
    return bool(rows and rows[0][0] is not None)


def _imported(url: str, prefix: str) -> int:
    rows = sql(
        url, "SELECT count(*) FROM content_script WHERE external_id LIKE %s", (prefix + "-%",)
    )
    return rows[0][0]


def test_kill_9_in_the_middle_of_an_import_leaves_nothing_behind(shared_cluster, token, tmp_path):
    url = shared_cluster.env["DATABASE_URL"]
    path = _import_file(tmp_path / "big.jsonl", "kill", 400)
    importer = subprocess.Popen(  # noqa: S603
        [PYTHON, "manage.py", "import_content", str(path), "--publish"], cwd=ROOT,
        env=shared_cluster.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:

        def holder():
            if importer.poll() is not None:
                out, err = importer.communicate()
                pytest.fail(f"the import ended on its own: {out[-2000:]} {err[-2000:]}")
            return _lock_holder(url)

        pid = wait_for(holder, 120, "the import takes its lock", every=0.05)
        wait_for(lambda: _writing(url, pid), 60, "the import writes", every=0.05)
        time.sleep(0.3)  # a few rows into the write
    finally:
        importer.send_signal(signal.SIGKILL)
        importer.communicate(timeout=30)
    assert importer.returncode == -signal.SIGKILL, "the import ended before it was killed"

    # PostgreSQL rolls the transaction back and frees the lock when the client is gone.
    wait_for(lambda: _lock_holder(url) is None, 30, "the import lock released")
    assert _imported(url, "kill") == 0
    check = shared_cluster.shell_b.command("search_index", "check", check=False)
    assert check["returncode"] == 0, check

    # The documented recovery is nothing more: the next import runs and is served by B.
    small = _import_file(tmp_path / "small.jsonl", "after", 3)
    shared_cluster.shell_a.command("import_content", str(small), "--publish")
    assert _imported(url, "after") == 3
    b = shared_cluster.b
    titles = [
        i["title"] for i in b.get("scripts/", token["importer"], persona="xiaomei").json()["items"]
    ]
    assert "中秋月饼团购3号团" in titles


class HangingReceiver:
    """A webhook receiver that accepts every connection and never answers (nor closes)."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.closed_by_sender = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.socket.accept()
            except OSError:
                return
            self.connections.append(connection)
            threading.Thread(target=self._hold, args=(connection,), daemon=True).start()

    def _hold(self, connection):
        try:
            while connection.recv(65536):
                pass  # read the request, answer nothing
            self.closed_by_sender += 1  # the sender gave up
        except OSError:
            pass

    def close(self):
        self.socket.close()
        for connection in self.connections:
            connection.close()


def test_a_hanging_webhook_receiver_slows_neither_publishing_nor_the_api(shared_cluster, token):
    a, b = shared_cluster.instances
    url = shared_cluster.env["DATABASE_URL"]
    receiver = HangingReceiver()
    try:
        shared_cluster.shell_a("webhook", client="publisher",
               url=f"http://127.0.0.1:{receiver.port}/hook")  # fmt: skip
        first = shared_cluster.shell_a("publish", title="腊八粥食谱", persona="xiaomei")["id"]
        wait_for(lambda: receiver.connections, 30, "the worker connects to the receiver")

        # While the worker waits for an answer: another publish, and both instances serve.
        second = shared_cluster.shell_a("publish", title="小年祭灶话术", persona="xiaomei")["id"]
        for instance in (a, b):
            for pk in (first, second):
                assert instance.get(f"scripts/{pk}/", token["publisher"]).status == 200
            assert instance.get("personas/", token["publisher"]).status == 200
            events = instance.api("POST", "events/", token["publisher"],
                                  body={"events": [{"script": first, "type": "sent"}]})  # fmt: skip
            assert events.status == 202, events.body

        # The attempt is bounded: the worker gives up, records the failure and retries later.
        def failed_attempt():
            rows = sql(
                url,
                "SELECT d.attempts, d.status, d.last_error FROM bots_webhookdelivery d "
                "JOIN bots_webhook w ON w.id = d.webhook_id WHERE w.url LIKE %s "
                "AND d.payload->>'event' = 'script.published' AND d.attempts > 0 "
                "AND d.last_error <> ''",
                (f"%:{receiver.port}/%",),
            )
            return rows

        rows = wait_for(failed_attempt, 60, "the first delivery recorded as a failed attempt")
        assert all(status == "pending" for _attempts, status, _error in rows), rows  # retried
        assert receiver.closed_by_sender >= 1  # never answered: the sender hung up

        # The worker carried on: the second script reached the search index.
        wait_for(
            lambda: any(
                item.get("id") == second
                for item in b.get("search/", token["publisher"], q="祭灶").json()["items"]
            ),
            60,
            "the second script found by search",
            every=1,
        )
    finally:
        receiver.close()


def _index_tasks(url: str, pk: int) -> list[tuple[str, object]]:
    """(status, finished_at) of the search-index updates queued for script `pk`."""
    return sql(
        url,
        "SELECT status, finished_at FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'modelsearch.tasks.insert_or_update_object_task' "
        "AND args_kwargs->'args'->>0 = 'content' AND args_kwargs->'args'->>2 = %s",
        (str(pk),),
    )


def _sends(url: str, port: int) -> list[tuple[str, str, object, int]]:
    """(queue, status, finished_at, attempts) of the first-attempt tasks of the deliveries to
    the receiver on `port`."""
    return sql(
        url,
        "SELECT t.queue_name, t.status, t.finished_at, d.attempts "
        "FROM django_tasks_database_dbtaskresult t JOIN bots_webhookdelivery d "
        "ON t.args_kwargs->'args'->>0 = d.id::text JOIN bots_webhook w ON w.id = d.webhook_id "
        "WHERE t.task_path = 'bots.webhooks.send_task' AND w.url LIKE %s",
        (f"%:{port}/%",),
    )


def test_a_hanging_receiver_never_holds_back_the_index_update(shared_cluster, token):
    """Webhook deliveries have a queue and a worker lane of their own: while the worker waits
    for a receiver that never answers, the same publish's index update runs and completes."""
    url = shared_cluster.env["DATABASE_URL"]
    receiver = HangingReceiver()
    try:
        shared_cluster.shell_a("webhook", client="searcher",
                               url=f"http://127.0.0.1:{receiver.port}/hook")  # fmt: skip
        pk = shared_cluster.shell_a("publish", title="冬至饺子团购", persona="xiaomei")["id"]
        wait_for(lambda: receiver.connections, 60, "the worker connects to the receiver")
        sends = _sends(url, receiver.port)
        assert sends and {queue for queue, *_rest in sends} == {"webhooks"}

        def indexed():
            tasks = _index_tasks(url, pk)
            if tasks and all(status == "SUCCESSFUL" for status, _finished in tasks):
                return max(finished for _status, finished in tasks)
            return None

        index_finished = wait_for(indexed, 60, "the index update of the publish completes")
        # Ordering, not timing: the index update completed before the webhook attempt ended
        # (it is still running, or finished later).
        for _queue, status, finished, attempts in _sends(url, receiver.port):
            assert attempts == 1
            assert status == "RUNNING" or finished > index_finished, (status, finished)
        found = shared_cluster.b.get("search/", token["searcher"], q="饺子团购").json()["items"]
        assert pk in [item.get("id") for item in found]
    finally:
        receiver.close()


def test_two_publishes_of_one_script_at_once_the_last_is_live(shared_cluster, token, tmp_path):
    url = shared_cluster.env["DATABASE_URL"]
    pk = shared_cluster.data["scripts"]["双十一预热话术"]
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    titles = ("春节礼盒预售", "元宵汤圆预售")
    shells = (shared_cluster.shell_a, shared_cluster.shell_b)  # one next to each instance
    for shell, title in zip(shells, titles, strict=True):
        shell.send("republish", pk=pk, title=title, barrier=str(barrier), parties=2)
    for shell in shells:
        shell.receive()  # both succeeded

    (live_revision, title), = sql(
        url, "SELECT live_revision_id, title FROM content_script WHERE id = %s", (pk,)
    )  # fmt: skip
    (last_published,), = sql(
        url,
        "SELECT revision_id FROM wagtailcore_modellogentry WHERE action = 'wagtail.publish' "
        "AND object_id = %s ORDER BY timestamp DESC, id DESC LIMIT 1",
        (str(pk),),
    )  # fmt: skip
    (revision_title,), = sql(
        url, "SELECT content->>'title' FROM wagtailcore_revision WHERE id = %s", (live_revision,)
    )  # fmt: skip
    assert live_revision == last_published
    assert title == revision_title and title in titles
    other = titles[1 - titles.index(title)]
    for instance in shared_cluster.instances:
        assert instance.get(f"scripts/{pk}/", token["reader"]).json()["title"] == title

    def index_settled():
        found = {
            q: any(
                i.get("id") == pk
                for i in shared_cluster.b.get("search/", token["searcher"], q=q).json()["items"]
            )  # fmt: skip
            for q in (title[:4], other[:4])
        }
        return found[title[:4]] and not found[other[:4]]

    wait_for(index_settled, 60, f"search finds “{title}” and not “{other}”", every=1)
    check = shared_cluster.shell_b.command("search_index", "check", check=False)
    assert check["returncode"] == 0, check
