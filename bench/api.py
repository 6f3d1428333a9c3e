"""Benchmark: the delivery API under gunicorn, against a bare view and Wagtail's API v3, in one run.

    .venv/bin/python -m bench.api                      # 10,000 extra scripts, 32 clients
    .venv/bin/python -m bench.api --rounds 5 --duration 2 --profile --output results.md

Run it as a module from the project root (as above), so the project's packages import as they
do in the server.

In a temporary data folder (the repository's data/ is untouched) a subprocess migrates a SQLite
database, runs load_demo, bulk-inserts --scripts published scripts (2–4 Chinese text messages,
one or two declared variables, tags and audiences) and creates a bot client and, for Wagtail's
API v3, a superuser's APIToken. Then one gunicorn (--workers sync workers on 127.0.0.1,
settings bench/api_settings.py, URLs bench/api_urls.py) serves every target in turn, and an
asyncio load generator keeps --concurrency requests in flight, one connection per request
(sync workers close each connection), warming up --warmup seconds and measuring --duration
seconds per target (--rounds N interleaves the targets N times and adds the rounds up, so
that other load on a shared machine affects every target alike). Targets:

- the ceiling: a bare Django view answering a fixed body of the detail's bytes (no database);
- our script detail, 200 and 304 (If-None-Match with its ETag), for a demo moment with images
  and for one of the inserted text-only scripts;
- Wagtail API v3's snippet detail of the same two objects (api_fields comparable to ours);
- our script list (limit=20), render (POST with every declared variable), calendar and a
  sequence's due (the demo camp, one hour with one step due: the issue asks ≤ the detail),
  asked as a cohort asks it (the same question) and as a bot polls (a new `now` per call).

Per target it prints requests/s, p50/p99 latency, unexpected answers (any status other than the
expected 200/304, or a connection error: reported, never dropped), body size, the server's CPU
time per request (gunicorn workers' user+system time / requests: independent of the load
generator sharing the machine), and the cores the load generator and all other processes used
meanwhile (/proc/stat). --profile first times the bare view, our detail (200/304) and Wagtail's
in process (Django test client, no HTTP) and prints a cProfile of our detail. Record the printed
table in bench/RESULTS.md with the machine and date that it prints. The data it prepares and
the profile are in bench/api_data.py, the load generator in bench/api_http.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

from bench.api_data import prepare
from bench.api_http import Target, fetch, measure, summarise

ROOT = Path(__file__).resolve().parent.parent

SETTINGS = "bench.api_settings"


# Orchestration --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.startswith("model name")), platform.processor())  # fmt: skip
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))  # fmt: skip
    packages = ", ".join(
        f"{name} {version(name)}" for name in ("django", "wagtail", "django-ninja", "gunicorn")
    )
    return (
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; nproc {os.cpu_count()}, {model}, "
        f"{mem_kb / 2**20:.1f} GiB RAM; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {packages}"
    )


def table(rows: list[dict]) -> str:
    ceiling = rows[0]["rps"]  # the bare view, unless --only left it out (then the first row)
    out = [
        "| target | expect | req/s | % of ceiling | p50 ms | p99 ms | unexpected | body B "
        "| server CPU ms/req | load generator, cores | other processes, cores |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        unexpected = ", ".join(f"{k}: {v}" for k, v in row["unexpected"].items()) or "0"
        out.append(
            f"| {row['target']} | {row['status']} | {row['rps']:,.0f} | "
            f"{row['rps'] / ceiling:.0%} | {row['p50']:.1f} | {row['p99']:.1f} | {unexpected} | "
            f"{row['bytes']:,} | {row['server_cpu_ms']:.2f} | {row['client_cores']:.2f} | "
            f"{row['other_cores']:.2f} |"
        )
    return "\n".join(out)


def wait_for(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited:\n" + log.read_text()[-3000:])
        try:
            if fetch(port, Target("health", "health", "/api/v1/health"))[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /api/v1/health:\n" + log.read_text()[-3000:])


# The demo camp (sequences/demo.py): day 2's 07:30 check-in, moved to 08:00 by quiet hours.
# The same question from every member of a cohort, and a bot polling: a new `now` on every
# call (its microseconds are the request's number, api_http.Target's "{n}").
DUE, DUE_POLL = (
    "/api/v1/sequences/fat-loss-camp-21d/due?" + "&".join(
        f"{name}={quote(value, safe='{}')}" for name, value in (
            ("started_at", "2027-03-01T00:00:00+08:00"), ("since", "2027-03-02T07:00:00+08:00"),
            ("now", f"2027-03-02T08:00:00{fraction}+08:00")))
    for fraction in ("", ".{n}")
)  # fmt: skip


def targets(data: dict, port: int) -> list[Target]:
    ours = {"Authorization": f"Bearer {data['bot_token']}"}
    theirs = {"Authorization": f"Bearer {data['wagtail_token']}"}
    rich, plain = data["rich"], data["plain"]
    detail = fetch(port, Target("", "", f"/api/v1/scripts/{rich}/", headers=ours))
    plain_detail = fetch(port, Target("", "", f"/api/v1/scripts/{plain}/", headers=ours))
    # The ceiling answers the detail's very bytes.
    (Path(os.environ["DATA_DIR"]) / "bare.json").write_bytes(detail[2])
    values = {v["name"]: "小雨" for v in json.loads(detail[2])["variables"]}
    render_body = json.dumps({"variables": values}, ensure_ascii=False).encode()
    v3 = "/api/v3/snippets/content.MomentScript/{}/"
    return [
        Target("ceiling", "bare Django view (ceiling)", "/bench/bare/", headers=ours),
        Target("detail", f"detail, demo moment {rich} (3 images)", f"/api/v1/scripts/{rich}/",
               headers=ours),
        Target("detail_304", f"detail {rich}, If-None-Match", f"/api/v1/scripts/{rich}/",
               headers={**ours, "If-None-Match": detail[1]["etag"]}, expect=304),
        Target("v3", f"Wagtail API v3 detail {rich}", v3.format(rich), headers=theirs),
        Target("plain", f"detail, text-only {plain}", f"/api/v1/scripts/{plain}/",
               headers=ours),
        Target("plain_304", f"detail {plain}, If-None-Match", f"/api/v1/scripts/{plain}/",
               headers={**ours, "If-None-Match": plain_detail[1]["etag"]}, expect=304),
        Target("v3_plain", f"Wagtail API v3 detail {plain}", v3.format(plain), headers=theirs),
        Target("list", "list ?limit=20", "/api/v1/scripts/?limit=20", headers=ours),
        Target("render", f"render {rich} ({len(values)} variables)",
               f"/api/v1/scripts/{rich}/render", method="POST", headers=ours, body=render_body),
        Target("calendar", "calendar (default: 8 days)", "/api/v1/calendar/", headers=ours),
        Target("due", "sequence due, demo camp, 1 hour, 1 step", DUE, headers=ours),
        Target("due_poll", "sequence due, the same with a new now per call", DUE_POLL,
               headers=ours),
        *integration_targets(ours, rich),
    ]  # fmt: skip


def integration_targets(ours: dict, rich: int) -> list[Target]:
    """MCP get_script beside the detail, Dify retrieval (top_k=5) beside search (limit=5)."""
    from bench.search import EVENTS

    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "get_script", "arguments": {"id": rich}}}  # fmt: skip
    mcp = {**ours, "Accept": "application/json, text/event-stream",
           "MCP-Protocol-Version": "2025-11-25"}  # fmt: skip
    word = EVENTS[0]
    ask = {"knowledge_id": "all", "query": word,
           "retrieval_setting": {"top_k": 5, "score_threshold": 0}}  # fmt: skip
    return [
        Target("mcp", f"MCP tools/call get_script {rich}", "/mcp", method="POST", headers=mcp,
               body=json.dumps(call).encode()),
        Target("search", f"search ?q={word}&limit=5", f"/api/v1/search/?q={quote(word)}&limit=5",
               headers=ours),
        Target("dify", f"Dify retrieval “{word}”, top_k=5", "/api/v1/dify/retrieval",
               method="POST", headers=ours, body=json.dumps(ask, ensure_ascii=False).encode()),
    ]  # fmt: skip


def checks(rows: dict[str, dict]) -> list[str]:
    """The issue's targets, for both detail objects."""
    out = []
    for label, detail, hit, v3 in (
        ("demo moment", "detail", "detail_304", "v3"),
        ("text-only", "plain", "plain_304", "v3_plain"),
    ):
        if not {"ceiling", detail, hit, v3} <= rows.keys():  # --only
            continue
        ours, hit, v3 = rows[detail], rows[hit], rows[v3]
        share = ours["rps"] / rows["ceiling"]["rps"]
        out += [
            f"{label}: detail ≥ 50% of the ceiling's req/s: {share:.0%} "
            f"({'met' if share >= 0.5 else 'NOT met'})",
            f"{label}: detail faster than Wagtail API v3: {ours['rps'] / v3['rps']:.2f}× the "
            f"req/s, {ours['server_cpu_ms']:.2f} vs {v3['server_cpu_ms']:.2f} ms CPU/request "
            f"({'met' if ours['rps'] > v3['rps'] else 'NOT met'})",
            f"{label}: 304 cheaper than 200: {hit['rps'] / ours['rps']:.2f}× the req/s, "
            f"{hit['server_cpu_ms']:.2f} vs {ours['server_cpu_ms']:.2f} ms CPU/request "
            f"({'met' if hit['server_cpu_ms'] < ours['server_cpu_ms'] else 'NOT met'})",
        ]
    for label, ours, base, limit in (
        ("MCP get_script vs the detail", "mcp", "detail", 1.3),
        ("sequence due vs the detail", "due", "detail", 1.0),
        ("sequence due polling vs the detail", "due_poll", "detail", 1.0),
        ("Dify retrieval vs search", "dify", "search", 1.5),
    ):
        if ours in rows and base in rows:
            ratio = rows[ours]["server_cpu_ms"] / rows[base]["server_cpu_ms"]
            out.append(f"{label}: {ratio:.2f}× the server CPU per request (≤ {limit}×: "
                       f"{'met' if ratio <= limit else 'NOT met'})")  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scripts", type=int, default=10_000, help="extra published scripts")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per round")
    parser.add_argument(
        "--rounds", type=int, default=1, help="interleave the targets over several rounds"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile our detail in process")
    parser.add_argument("--output", help="also write the markdown results to this file")
    parser.add_argument(
        "--database-url",
        default="",
        help="an EMPTY database to use instead of SQLite (its tables are created; e.g. PostgreSQL)",
    )
    parser.add_argument(
        "--redis-url", default="", help="a Redis database for the cache (flushed) instead of LocMem"
    )
    parser.add_argument("--only", help="only these targets, e.g. detail,mcp (keys as in checks)")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="CONN_MAX_AGE of the bench's database (default: the settings', 60 s)",
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.conn_max_age is not None:
        os.environ["BENCH_CONN_MAX_AGE"] = str(args.conn_max_age)
    if args.database_url:
        os.environ["BENCH_DATABASE_URL"] = args.database_url
    if args.redis_url:
        os.environ["BENCH_REDIS_URL"] = args.redis_url
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    if args.prepare:
        print(json.dumps(prepare(args.scripts, args.profile)))
        return

    folder = Path(tempfile.mkdtemp(prefix="siyu-api-bench-"))
    os.environ.update(DATA_DIR=str(folder), DJANGO_SETTINGS_MODULE=SETTINGS)
    os.environ["PYTHONPATH"] = str(ROOT)
    server = None
    try:
        started = time.perf_counter()
        command = [sys.executable, "-m", "bench.api", "--prepare", "--scripts", str(args.scripts)]
        prepared = subprocess.run(
            command + (["--profile"] if args.profile else []),
            check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        *printed, last = prepared.stdout.strip().splitlines()
        data = json.loads(last)
        if printed:
            print("\n".join(printed))
        print(f"prepared {data['scripts']:,} scripts ({data['live']:,} deliverable) "
              f"in {time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip

        port, log = free_port(), folder / "gunicorn.log"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(args.workers),
             "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--log-level", "warning",
             "site_config.wsgi:application"],
            stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        wait_for(port, server, log)
        plan = targets(data, port)
        if args.only:
            plan = [target for target in plan if target.key in args.only.split(",")]
        results: dict[str, list[dict]] = {target.key: [] for target in plan}
        for round_number in range(1, args.rounds + 1):
            for target in plan:
                results[target.key].append(measure(target, port, server.pid, args))
                row = summarise(target, results[target.key][-1:])
                print(f"round {round_number}, {row['target']}: {row['rps']:,.0f} req/s, "
                      f"p50 {row['p50']:.1f} ms, p99 {row['p99']:.1f} ms, "
                      f"unexpected {row['unexpected'] or 0}, "
                      f"server {row['server_cpu_ms']:.2f} ms CPU/request, "
                      f"other processes {row['other_cores']:.2f} cores", flush=True)  # fmt: skip
        rows = [summarise(target, results[target.key]) for target in plan]
        report = "\n".join(
            [
                f"Machine: {machine()}.",
                f"gunicorn {args.workers} sync workers, {args.concurrency} concurrent clients "
                f"(asyncio, one connection per request, same machine); per target {args.rounds} "
                f"round(s) of {args.warmup:g} s warm-up + {args.duration:g} s measured, targets "
                f"interleaved; {data['scripts']:,} scripts "
                f"(demo + {args.scripts:,}), "
                f"{'PostgreSQL' if args.database_url else 'SQLite'}, "
                f"{'Redis' if args.redis_url else 'LocMem'} cache.",
                "",
                table(rows),
                "",
                *(f"- {line}" for line in checks({row["key"]: row for row in rows})),
            ]
        )
        print("\n" + report)
        if args.output:
            Path(args.output).write_text(report + "\n")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
