"""Load and soak: a mixed bot workload against two gunicorn instances on PostgreSQL + Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_system REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python -m bench.load --seconds 300

Bounded and loopback only: it creates a database of its own next to DATABASE_URL's
(`<name>_load`, migrated, dropped at the end unless --keep), starts two instances with the
production settings on free 127.0.0.1 ports (--workers sync workers each) and a task worker
(tests/system/cluster.py, the same as the system tests), publishes --scripts moment scripts for
one bot client, then keeps --concurrency requests in flight for --seconds or --max-requests,
whichever ends first, spread over both instances:

- 80% reads: script list, script detail, personas, search, calendar (equal shares);
- 15% render (POST scripts/{id}/render);
- 5% events (POST events/, one `sent` event with a fresh idempotency key).

It prints throughput, p50/p99 latency per kind and overall, unexpected answers (anything but
200/202, connection errors included: reported, never dropped), the 5xx among them, and the
resident memory (RSS) of every gunicorn worker and of the task worker after the warm-up and at
the end (goal: zero errors, zero 5xx, RSS growth < 10%). The rate limit is raised for the run
(API_RATE_LIMIT) so that it measures the server, not the limiter.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from tests.system import cluster as c
from tests.system import databases

READS = ("list", "detail", "personas", "search", "calendar")
WORDS = ("会员日", "新品", "福利", "秒杀", "护肤", "早安", "团购", "直播")


def _choose(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.80:
        return rng.choice(READS)
    return "render" if roll < 0.95 else "events"


def _call(instance, kind: str, token: str, rng: random.Random, ids: list[int]):
    pk = rng.choice(ids)
    if kind == "list":
        return instance.get("scripts/", token, limit=20)
    if kind == "detail":
        return instance.get(f"scripts/{pk}/", token)
    if kind == "personas":
        return instance.get("personas/", token)
    if kind == "search":
        return instance.get("search/", token, q=rng.choice(WORDS))
    if kind == "calendar":
        return instance.get("calendar/", token)
    if kind == "render":
        return instance.api("POST", f"scripts/{pk}/render", token, body={"variables": {}})
    event = {"script": pk, "type": "sent", "idempotency_key": uuid.uuid4().hex}
    return instance.api("POST", "events/", token, body={"events": [event]})


def _rss_kib(pid: int) -> int:
    try:
        for line in open(f"/proc/{pid}/status"):  # noqa: SIM115 - tiny proc file
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _memory(cluster) -> dict[str, int]:
    out = {}
    for instance in cluster.instances:
        for n, pid in enumerate(sorted(instance.worker_pids()), start=1):
            out[f"{instance.name} worker {n} (pid {pid})"] = _rss_kib(pid)
    out[f"task worker (pid {cluster.worker.pid})"] = _rss_kib(cluster.worker.pid)
    return out


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Load:
    def __init__(self, cluster, token: str, ids: list[int], args):
        self.cluster, self.token, self.ids, self.args = cluster, token, ids, args
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.unexpected: Counter = Counter()
        self.server_errors = 0
        self.count = 0
        self.measuring = False

    def run(self, seconds: float, measuring: bool) -> float:
        self.measuring = measuring
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        threads = [
            threading.Thread(target=self._client, args=(deadline, n), daemon=True)
            for n in range(self.args.concurrency)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - started

    def _client(self, deadline: float, n: int) -> None:
        rng = random.Random(n * 7919 + int(self.measuring))
        instances = self.cluster.instances
        while time.monotonic() < deadline:
            with self.lock:
                if self.measuring and self.count >= self.args.max_requests:
                    return
                if self.measuring:
                    self.count += 1
            kind = _choose(rng)
            instance = instances[rng.randrange(2)]
            began = time.perf_counter()
            try:
                answer = _call(instance, kind, self.token, rng, self.ids)
                status = answer.status
            except OSError as error:
                status = f"{type(error).__name__}"
            took = time.perf_counter() - began
            if not self.measuring:
                continue
            with self.lock:
                self.latencies[kind].append(took)
                if status not in (200, 202):
                    self.unexpected[(kind, status)] += 1
                    if isinstance(status, int) and status >= 500:
                        self.server_errors += 1


def _database(args) -> tuple[str, str]:
    url = args.database_url
    parts = urlsplit(url)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench.load needs PostgreSQL: set DATABASE_URL=postgres://… (or --database-url)")
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("bench.load runs against loopback servers only")
    name = f"{parts.path.strip('/') or 'postgres'}_load"
    databases.drop_database(url, name)
    with databases.admin_connection(url) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name, databases.with_database(url, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="measured seconds (300)")
    parser.add_argument("--warmup", type=float, default=30.0, help="unmeasured seconds first (30)")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="upper bound")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--scripts", type=int, default=60, help="published scripts (60)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--keep", action="store_true", help="keep the _load database")
    args = parser.parse_args()
    if not args.redis_url.startswith("redis://") or "127.0.0.1" not in args.redis_url:
        sys.exit("bench.load needs a loopback Redis: set REDIS_URL=redis://127.0.0.1:6379/N")

    name, url = _database(args)
    cluster = None
    try:
        env = c.production_env(url, args.redis_url, Path(tempfile.mkdtemp(prefix="siyu-load-")))
        print(f"migrating {name}…", flush=True)
        c.manage(env, "migrate", "--noinput", timeout=900)
        cluster = c.Cluster.start(
            url, args.redis_url, workers=args.workers, API_RATE_LIMIT="1000000/m"
        )
        data = cluster.shell_a(
            "setup",
            personas=[{"slug": "xiaomei", "name": "小美"}],
            clients=["load-bot"],
            scripts=[
                {"persona": "xiaomei", "title": f"{WORDS[n % len(WORDS)]}话术{n}号"}
                for n in range(args.scripts)
            ],
        )
        token, ids = data["tokens"]["load-bot"], list(data["scripts"].values())
        load = Load(cluster, token, ids, args)
        at_start = _memory(cluster)
        load.run(args.warmup, measuring=False)
        after_warmup = _memory(cluster)
        elapsed = load.run(args.seconds, measuring=True)
        at_end = _memory(cluster)
        _report(args, load, elapsed, at_start, after_warmup, at_end)
    finally:
        if cluster is not None:
            cluster.stop()
        if not args.keep:
            databases.drop_database(args.database_url, name)


def _report(args, load: Load, elapsed: float, at_start, after_warmup, at_end) -> None:
    total = sum(len(v) for v in load.latencies.values())
    every = [t for v in load.latencies.values() for t in v]
    print()
    print(
        f"bench.load — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
        f"{os.cpu_count()} cores, load average at the end: {os.getloadavg()[0]:.1f}"
    )
    print(
        f"two instances × {args.workers} sync workers, PostgreSQL + Redis, "
        f"{args.concurrency} requests in flight, {elapsed:.0f} s measured after "
        f"{args.warmup:g} s warm-up"
    )
    print()
    print("| kind | share | requests | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for kind in (*READS, "render", "events"):
        values = load.latencies.get(kind, [])
        print(
            f"| {kind} | {100 * len(values) / max(total, 1):.0f}% | {len(values)} | "
            f"{1000 * _percentile(values, 0.5):.1f} | {1000 * _percentile(values, 0.99):.1f} |"
        )
    print(
        f"| **all** | 100% | {total} | {1000 * _percentile(every, 0.5):.1f} | "
        f"{1000 * _percentile(every, 0.99):.1f} |"
    )
    print()
    print(f"throughput: {total / elapsed:.1f} requests/s")
    errors = sum(load.unexpected.values())
    print(f"unexpected answers: {errors} ({load.server_errors} 5xx) {dict(load.unexpected)}")
    print()
    print("| process | RSS at start MiB | after warm-up MiB | at end MiB | growth since warm-up |")
    print("|---|---:|---:|---:|---:|")
    for key, end in at_end.items():
        start, warm = at_start.get(key, 0), after_warmup.get(key, 0)
        growth = 100 * (end - warm) / warm if warm else float("nan")
        print(
            f"| {key} | {start / 1024:.1f} | {warm / 1024:.1f} | {end / 1024:.1f} | "
            f"{growth:+.1f}% |"
        )


if __name__ == "__main__":
    main()
