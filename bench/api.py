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
  sequence's due (the demo camp, one hour with one step due: the issue asks ≤ the detail).

Per target it prints requests/s, p50/p99 latency, unexpected answers (any status other than the
expected 200/304, or a connection error: reported, never dropped), body size, the server's CPU
time per request (gunicorn workers' user+system time / requests: independent of the load
generator sharing the machine), and the cores the load generator and all other processes used
meanwhile (/proc/stat). --profile first times the bare view, our detail (200/304) and Wagtail's
in process (Django test client, no HTTP) and prints a cProfile of our detail. Record the printed
table in bench/RESULTS.md with the machine and date that it prints.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent

SETTINGS = "bench.api_settings"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# Preparing the data (in a subprocess: Django is never set up in the load generator) ---------
def _texts(rng: random.Random, with_coupon: bool) -> tuple[str, list[str]]:
    from bench.search import ACTS, ADDRESS, EVENTS, FILLER, PRODUCTS

    product, event, act = rng.choice(PRODUCTS), rng.choice(EVENTS), rng.choice(ACTS)
    title = f"{event}{product}{act}"
    deal = "{{coupon}}" if with_coupon else rng.choice(["买一送一", "第二件半价", "限时特价"])
    texts = [
        f"{{{{nickname}}}}{rng.choice(ADDRESS)}，{event}{act}来啦！{product}{deal}。"
        + "，".join(rng.sample(FILLER, rng.randint(1, 3)))
        + "。"
    ]
    for _ in range(rng.randint(1, 3)):
        texts.append("，".join(rng.sample(FILLER, rng.randint(2, 5))) + "～")
    return title, texts


def prepare(count: int, profile: bool) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from taggit.models import Tag
    from wagtail.models import APIToken

    from bots.models import BotClient
    from content.enums import GroupPurpose, GroupType, Stage, Trigger
    from content.models import Script, ScriptTag
    from personas.models import AudienceSegment, Persona

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    personas = list(Persona.objects.filter(live=True))
    tags = list(Tag.objects.all())
    segments = list(AudienceSegment.objects.all())
    stages = [value for value, _label in Stage.choices]
    now = timezone.now()
    rng = random.Random(20261122)
    kinds = ["moment", "group", "chat", "livestream"]
    scripts = []
    for i in range(count):
        with_coupon = i % 2 == 0
        title, texts = _texts(rng, with_coupon)
        variables = [
            ("variable", {"name": "nickname", "required": True, "description": "客户昵称"})
        ]
        if with_coupon:
            coupon = {
                "name": "coupon",
                "required": False,
                "default": "满199减30",
                "description": "优惠券",
            }
            variables.append(("variable", coupon))
        kind = kinds[i % 4]
        script = Script(
            kind=kind, persona=rng.choice(personas), title=title[:100], stage=rng.choice(stages),
            variables=variables, messages=[("text", text) for text in texts],
            search_text="\n".join(texts), live=True, has_unpublished_changes=False,
            first_published_at=now, last_published_at=now,
        )  # fmt: skip
        if kind == "moment":
            script.first_comment = "链接放评论区啦，有问题随时私信我～"
        elif kind == "group":
            script.group_types = [GroupType.WELFARE]
            script.purpose, script.trigger = GroupPurpose.PROMOTION, Trigger.SCHEDULED
        elif kind == "chat":
            script.triggers = [title[:4], "优惠", "怎么买"]
        scripts.append(script)
    Script.objects.bulk_create(scripts, batch_size=1000)
    ScriptTag.objects.bulk_create(
        [ScriptTag(content_object_id=s.pk, tag=t) for s in scripts
         for t in rng.sample(tags, min(len(tags), rng.randint(1, 3)))],
        batch_size=2000,
    )  # fmt: skip
    Through = Script.audiences.through
    Through.objects.bulk_create(
        [Through(script_id=s.pk, audiencesegment_id=a.pk) for s in scripts
         for a in rng.sample(segments, min(len(segments), rng.randint(1, 2)))],
        batch_size=2000,
    )  # fmt: skip

    # The search and Dify targets need the corpus in the index (the bulk insert skips it).
    from search import index_admin

    index_admin.rebuild()

    _client, bot_token = BotClient.create("bench", all_personas=True)
    admin = get_user_model().objects.create_superuser("bench-admin", "bench@example.com", None)
    _obj, wagtail_token = APIToken.create_token(user=admin, name="bench")

    deliverable = Script.objects.deliverable().order_by("pk")
    rich = next(
        (s for s in deliverable.filter(kind="moment").exclude(external_id=None)
         if any(b.block_type == "image" for b in s.messages) and s.variables),
        None,
    )  # fmt: skip
    plain = deliverable.filter(kind="moment", external_id=None).order_by("pk")[count // 8]
    if rich is None:
        raise SystemExit("no demo moment with images and variables")
    out = {
        "bot_token": bot_token,
        "wagtail_token": wagtail_token,
        "rich": rich.pk,
        "plain": plain.pk,
        "scripts": Script.objects.count(),
        "live": deliverable.count(),
    }
    if profile:
        _profile(out)
    return out


def _profile(data: dict) -> None:
    """In process (Django test client: no HTTP, no gunicorn, one thread): ms per request of
    the bare view, our detail (200 and 304) and Wagtail's, then a cProfile of our detail."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    ours = Client(HTTP_AUTHORIZATION=f"Bearer {data['bot_token']}")
    theirs = Client(HTTP_AUTHORIZATION=f"Bearer {data['wagtail_token']}")
    url = f"/api/v1/scripts/{data['rich']}/"
    response = ours.get(url)
    (Path(os.environ["DATA_DIR"]) / "bare.json").write_bytes(response.content)
    cases = [
        ("bare view", ours, "/bench/bare/", {}),
        ("our detail 200", ours, url, {}),
        ("our detail 304", ours, url, {"HTTP_IF_NONE_MATCH": response["ETag"]}),
        ("Wagtail v3 detail", theirs, f"/api/v3/snippets/content.MomentScript/{data['rich']}/",
         {}),
    ]  # fmt: skip
    for label, client, path, headers in cases:
        for _ in range(20):
            client.get(path, **headers)
        start = time.perf_counter()
        for _ in range(300):
            client.get(path, **headers)
        elapsed = (time.perf_counter() - start) / 300 * 1000
        with CaptureQueriesContext(connection) as queries:
            client.get(path, **headers)
        print(f"in process, {label}: {elapsed:.2f} ms/request, {len(queries)} queries")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(200):
        ours.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"/work/main/(?!\.venv)|query\.py|compiler\.py", 40)
    stats.sort_stats("tottime").print_stats(20)


# HTTP, one connection per request ------------------------------------------------------------
class Target:
    def __init__(self, key, name, path, *, method="GET", headers=None, body=b"", expect=200):
        self.key, self.name, self.path, self.expect = key, name, path, expect
        lines = [f"{method} {path} HTTP/1.1", "Host: {host}", "Connection: close"]
        lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.template = ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def request(port: int, raw: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        return await reader.read()  # the server closes the connection
    finally:
        writer.close()


def parse(response: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _sep, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def fetch(port: int, target: Target) -> tuple[int, dict[str, str], bytes]:
    raw = target.template.replace(b"{host}", f"127.0.0.1:{port}".encode())
    return parse(asyncio.run(request(port, raw)))


def busy_cpu() -> float:
    """Seconds of CPU time the whole machine has spent busy since boot (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def worker_cpu(master: int) -> float:
    """User + system seconds so far of the gunicorn master's children (the workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def cpu_sample(master: int) -> tuple[float, float, float, float]:
    """(wall, gunicorn workers, this process, whole machine) seconds."""
    return time.perf_counter(), worker_cpu(master), time.process_time(), busy_cpu()


async def load(port: int, master: int, target: Target, args) -> dict:
    """Keep args.concurrency requests in flight; latencies and outcomes of the requests started
    in the measured window, CPU samples at its start and end."""
    raw = target.template.replace(b"{host}", f"127.0.0.1:{port}".encode())
    loop = asyncio.get_running_loop()
    measure_from = loop.time() + args.warmup
    until = measure_from + args.duration
    latencies: list[float] = []
    outcomes: Counter = Counter()
    samples = []

    async def client():
        while (start := loop.time()) < until:
            try:
                response = await request(port, raw)
                status = int(response[9:12]) if response[:5] == b"HTTP/" else "no answer"
            except OSError as error:
                status = type(error).__name__
            if start >= measure_from:
                latencies.append(loop.time() - start)
                outcomes[status] += 1

    async def sampler():
        for moment in (measure_from, until):
            await asyncio.sleep(moment - loop.time())
            samples.append(cpu_sample(master))

    await asyncio.gather(sampler(), *(client() for _ in range(args.concurrency)))
    return {"latencies": latencies, "outcomes": outcomes, "samples": samples}


def measure(target: Target, port: int, master: int, args) -> dict:
    """One target for one round: checked first, then loaded."""
    status, _headers, body = fetch(port, target)
    if status != target.expect:
        raise SystemExit(f"{target.name}: {status} instead of {target.expect}: {body[:300]!r}")
    result = asyncio.run(load(port, master, target, args))
    result["bytes"] = len(body)
    return result


def summarise(target: Target, results: list[dict]) -> dict:
    """A target's rounds together: all latencies, all outcomes, CPU summed over the windows."""
    latencies = sorted(x for result in results for x in result["latencies"])
    outcomes = sum((result["outcomes"] for result in results), Counter())
    done = len(latencies)
    wall = server = client = other = 0.0
    for result in results:
        (wall0, server0, client0, busy0), (wall1, server1, client1, busy1) = result["samples"]
        wall += wall1 - wall0
        server += server1 - server0
        client += client1 - client0
        other += max(0.0, (busy1 - busy0) - (server1 - server0) - (client1 - client0))
    return {
        "key": target.key,
        "target": target.name,
        "status": target.expect,
        "rps": done / wall,
        "p50": latencies[done // 2] * 1000,
        "p99": latencies[min(done - 1, int(done * 0.99))] * 1000,
        "unexpected": {str(k): v for k, v in outcomes.items() if k != target.expect},
        "bytes": results[0]["bytes"],
        "server_cpu_ms": server / done * 1000,
        "client_cores": client / wall,
        "other_cores": other / wall,
    }


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
DUE = "/api/v1/sequences/fat-loss-camp-21d/due?" + "&".join(
    f"{name}={quote(value)}" for name, value in (
        ("started_at", "2027-03-01T00:00:00+08:00"), ("since", "2027-03-02T07:00:00+08:00"),
        ("now", "2027-03-02T08:00:00+08:00"))
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
