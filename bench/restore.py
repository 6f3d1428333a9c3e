"""Backup and restore, base vs tip side by side on one prepared SQLite installation.

    python -m bench.restore --base /tmp/rb/base --source /tmp/rb/src --work /tmp/rb/run

`--base` is a checkout of the commit to compare with (`git archive <commit> | tar -x -C DIR`,
with `.venv` linked in), `--source` a DATA_DIR prepared by `bench.api.prepare(10000, False)`
(plus `manage.py rebuild_references_index`, as a real installation has it). For each side:
`manage.py backup` of the source while a writer saves a row every 20 ms (the longest wait of
one save = how long the backup blocks writers), `manage.py restore` into a freshly migrated
DATA_DIR, then a backup of the restored installation (its content digest must be the same).
Time is wall-clock of the command, RSS the command's peak (ru_maxrss). The tip also restores
the base's backup (an older backup: the reference index is rebuilt)."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

TIP = Path(__file__).resolve().parent.parent
ENV = {"DJANGO_SETTINGS_MODULE": "site_config.settings.dev", "SEARCH_BACKEND": "database"}


def run(code: Path, data_dir: Path, *args: str) -> tuple[float, int, str]:
    """(seconds, peak RSS in MB, output) of `manage.py *args` from `code` on `data_dir`."""
    env = {**os.environ, **ENV, "DATA_DIR": str(data_dir)}
    started = time.monotonic()
    process = subprocess.Popen(
        [str(code / ".venv/bin/python"), "manage.py", *args],
        cwd=code, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines = []
    for line in process.stdout:
        lines.append(f"{time.monotonic() - started:7.1f}s {line.rstrip()}")
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    output = "\n".join(lines)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{code}: manage.py {' '.join(args)} failed:\n{output}")
    return seconds, usage.ru_maxrss // 1024, output


class Writer(threading.Thread):
    """Saves a row (a session, which backups leave out) every 20 ms; records each wait."""

    def __init__(self, db: Path):
        super().__init__(daemon=True)
        self.db, self.waits, self.done = db, [], threading.Event()

    def run(self):
        connection = sqlite3.connect(self.db, timeout=120, isolation_level=None)
        n = 0
        while not self.done.is_set():
            n += 1
            started = time.monotonic()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "INSERT INTO django_session VALUES (?, '', '2099-01-01')", (f"bench-{n}",)
            )
            connection.execute("DELETE FROM django_session WHERE session_key = ?", (f"bench-{n}",))
            connection.execute("COMMIT")
            self.waits.append(time.monotonic() - started)
            time.sleep(0.02)
        connection.close()


def backup(code: Path, source: Path, target: Path) -> dict:
    writer = Writer(source / "db.sqlite3")
    writer.start()
    seconds, rss, output = run(code, source, "backup", str(target))
    writer.done.set()
    writer.join()
    digest = re.search(r"Content digest (\w+)", output).group(1)
    in_command = re.search(r", ([\d.]+) s\. Content digest", output).group(1)
    return {"seconds": seconds, "in_command": float(in_command), "rss": rss, "digest": digest,
            "writes": len(writer.waits), "longest_write": max(writer.waits)}  # fmt: skip


def restore(code: Path, empty: Path, work: Path, name: str, archive: Path) -> dict:
    target = work / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(empty, target)
    seconds, rss, output = run(code, target, "restore", str(archive))
    again = backup(code, target, work / f"{name}-again.zip")
    return {"seconds": seconds, "rss": rss, "output": output, "digest": again["digest"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    empty = work / "empty"
    if not empty.exists():
        empty.mkdir()
        shutil.copy(args.source / "secret_key", empty / "secret_key")
        run(TIP, empty, "migrate", "-v0")
    print(f"load before: {os.getloadavg()}")
    results = {}
    for side, code in (("base", args.base), ("tip", TIP)):
        results[side] = backup(code, args.source, work / f"{side}.zip")
        print(side, "backup", {k: v for k, v in results[side].items() if k != "digest"})
    for side, code in (("base", args.base), ("tip", TIP)):
        done = restore(code, empty, work, f"{side}-restored", work / f"{side}.zip")
        same = done["digest"] == results[side]["digest"]
        print(f"{side} restore: {done['seconds']:.1f} s, {done['rss']} MB, same digest: {same}")
        print(done["output"])
    done = restore(TIP, empty, work, "tip-restored-base", work / "base.zip")
    print(f"tip restoring base's backup: {done['seconds']:.1f} s, {done['rss']} MB")
    print(done["output"])
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
