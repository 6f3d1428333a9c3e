"""Benchmark: Chinese search backends on a synthetic private-domain corpus, in one run.

    .venv/bin/python -m bench.search --docs 10000            # all backends
    .venv/bin/python -m bench.search --docs 100000 --backends database,whoosh
    .venv/bin/python -m bench.search --docs 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/h_bench     # PostgreSQL backend

With ``--database-url`` (PostgreSQL) the corpus is generated in that database, which is emptied
first (every table of its ``public`` schema is dropped: give it a database of its own), and
only our database backend is measured (``tsvector``, the ``simple`` configuration); the
figures are also split by query type (two-character-or-longer words, traditional spellings,
one character, a typo, frequent words). The database is `ANALYZE`d once the index is built,
before anything is timed: a server with autovacuum on (the default) analyses such a load by
itself, and without statistics the planner picks plans no real server would (the filters
cost 25 ms instead of 4).

Run it as a module from the project root (as above), so the project's packages import as they
do in the server.

For each backend (Wagtail's stock database backend as the baseline, our database backend, our
Whoosh backend) a fresh process copies one generated SQLite database, rebuilds the index and
measures: build docs/s, index size, peak RSS, query p50/p95 over a mixed query set, and
recall@10 / MRR against substring ground truth; then a second fresh process (a "worker": Django,
jieba and the index, without the corpus in memory) runs the queries again for its RSS and
latency, and for the paths users take: `search.query.search()` as /api/v1/search/ calls it,
and an admin listing (count, then the first page). Record the printed table in
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BACKENDS = {
    "stock": {"BACKEND": "modelsearch.backends.database", "AUTO_UPDATE": False},
    "database": {"BACKEND": "search.backends.database", "AUTO_UPDATE": False},
    "whoosh": {"BACKEND": "search.backends.whoosh", "AUTO_UPDATE": False},
}

PRODUCTS = [
    "修护精华",
    "冻干面膜",
    "燕窝礼盒",
    "氨基酸洁面",
    "防晒霜",
    "奶茶色唇釉",
    "代餐奶昔",
    "轻食套餐",
    "益生菌",
    "蛋白粉",
    "积雪草面霜",
    "玻尿酸原液",
    "眼霜",
    "身体乳",
]
EVENTS = [
    "会员日",
    "双十一",
    "618",
    "宠粉节",
    "年货节",
    "女王节",
    "七夕",
    "中秋",
    "新人礼",
    "周年庆",
]
ACTS = [
    "直播预热",
    "红包雨",
    "晒单抽奖",
    "满减",
    "定金预售",
    "拼团",
    "秒杀",
    "打卡",
    "老带新",
    "积分兑换",
]
ADDRESS = ["宝子们", "姐妹们", "亲爱的", "同学们", "大家", "您"]
FILLER = [
    "今天给大家分享一个小技巧",
    "记得收藏起来",
    "有问题随时私信我",
    "库存不多先到先得",
    "评论区告诉我你的肤质",
    "上班族也能轻松坚持",
    "坚持一周就能看到变化",
    "物流已经恢复正常",
    "早上起来先喝一杯温水",
    "晚上八点准时开播",
    "福利群里还有专属优惠",
    "换季的时候更要注意",
]
QUERIES_NEEDLE = [
    "会员日",
    "會員日",
    "双十一",
    "雙十一",
    "燕窝",
    "燕",
    "冻干面膜",
    "宠粉节",
    "寵粉節",
    "直播预热",
    "红包雨",
    "唇釉",
    "益生菌",
    "积分兑换",
    "老带新",
    "玻尿酸",
    "年货节",
    "定金预售",
    "身体乳",
    "女王节",
    "修护精华",
    "代餐",
    "周年庆",
    "冻干面摸",
    "姐妹们",
]
QUERIES_HEAD = ["宝子们", "福利", "直播", "优惠", "大家"]  # fmt: skip
QUERIES_TRADITIONAL = {"會員日", "雙十一", "寵粉節"}
QUERIES_TYPO = {"冻干面摸"}


def query_type(query: str) -> str:
    if query in QUERIES_HEAD:
        return "head"
    if query in QUERIES_TRADITIONAL:
        return "traditional"
    if query in QUERIES_TYPO:
        return "typo"
    return "single" if len(query) == 1 else "word"


def p95(timings: list[float]) -> float:
    """Nearest rank: the smallest value at least 95% of the timings are not above."""
    timings = sorted(timings)
    return timings[max(math.ceil(len(timings) * 0.95) - 1, 0)]


def by_type(prefix: str, timed: list[tuple[str, float]]) -> dict:
    """p50/p95 per query type: {prefix_word_p50_ms: …, prefix_word_p95_ms: …, …}."""
    out = {}
    for kind in ("word", "traditional", "single", "typo", "head"):
        ms = [t for q, t in timed if query_type(q) == kind]
        if ms:
            out[f"{prefix}_{kind}_p50_ms"] = round(statistics.median(ms), 2)
            out[f"{prefix}_{kind}_p95_ms"] = round(p95(ms), 1)
    return out


def text(rng: random.Random) -> tuple[str, str]:
    product, event, act = rng.choice(PRODUCTS), rng.choice(EVENTS), rng.choice(ACTS)
    title = f"{event}{product}{act}"[: rng.randint(6, 14)]
    deal = rng.choice(["买一送一", "第二件半价", "限时特价"])
    parts = [f"{rng.choice(ADDRESS)}，{event}{act}来啦！{product}{deal}。"]
    parts += rng.sample(FILLER, rng.randint(1, 6))
    return title, "".join(parts)


def build_corpus(path: Path, docs: int) -> None:
    os.environ.update(DATA_DIR=str(path.parent), SEARCH_BACKEND="database")
    _setup()
    from django.core.management import call_command

    from content.models import Script
    from personas.models import Persona

    if _postgres():
        from django.db import connection

        with connection.cursor() as cursor:  # a database of its own (see the docstring)
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    persona = Persona.objects.create(
        name="小美", slug="xiaomei", brand="花漾", archetype="shopping_buddy"
    )
    rng = random.Random(20261122)
    kinds = ["moment", "group", "livestream", "chat"]
    batch = []
    for i in range(docs):
        title, body = text(rng)
        batch.append(
            Script(kind=kinds[i % 4], persona=persona, title=title, stage="attract",
                   messages=[("text", body)], search_text=body, live=True)
        )  # fmt: skip
        if len(batch) == 2000:
            Script.objects.bulk_create(batch)
            batch = []
    Script.objects.bulk_create(batch)


def _postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _index_bytes() -> int:
    from django.db import connection
    from modelsearch.conf import get_app_config

    table = get_app_config().get_model("IndexEntry")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s)", [table])
        return cursor.fetchone()[0]


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
    )
    import django

    django.setup()


def measure(backend: str, folder: Path) -> dict:
    os.environ.update(DATA_DIR=str(folder), SEARCH_BACKEND="database")
    _setup()
    from django.conf import settings
    from django.db import connection
    from wagtail.search.backends import get_search_backend

    from content.models import Script
    from search import analysis, index_admin

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**BACKENDS[backend], "PATH": str(folder / "whoosh")}
    }
    search_backend = get_search_backend("default")
    postgres = _postgres()
    db_before = _index_bytes() if postgres else (folder / "db.sqlite3").stat().st_size
    start = time.perf_counter()
    index_admin.rebuild()  # what `manage.py search_index rebuild` runs
    build = time.perf_counter() - start
    objects = list(Script.objects.order_by("pk"))
    if postgres:
        size = _index_bytes() - db_before
        with connection.cursor() as cursor:  # what autovacuum would do (see the docstring)
            cursor.execute("ANALYZE")
    connection.close()
    if postgres:
        pass
    elif backend == "whoosh":
        size = sum(f.stat().st_size for f in (folder / "whoosh").rglob("*") if f.is_file())
    else:
        size = (folder / "db.sqlite3").stat().st_size - db_before

    texts = {s.pk: analysis.normalise(s.title + s.search_text) for s in objects}
    timings, recalls, rrs = [], [], []
    for query in QUERIES_NEEDLE * 3 + QUERIES_HEAD * 3:
        t0 = time.perf_counter()
        ranked = [obj.pk for obj in search_backend.search(query, Script.objects.all())[:10]]
        timings.append((time.perf_counter() - t0) * 1000)
        if query in QUERIES_NEEDLE and query != "冻干面摸":
            needle = analysis.normalise(query)
            relevant = {pk for pk, t in texts.items() if needle in t}
            if relevant:
                recalls.append(
                    len([pk for pk in ranked if pk in relevant]) / min(10, len(relevant))
                )
                first = next((i for i, pk in enumerate(ranked, 1) if pk in relevant), None)
                rrs.append(1 / first if first else 0)
    timings.sort()
    raw = _raw_fts5_timings() if backend == "database" and not postgres else None
    return {
        **({"raw_fts5_p50_ms": raw[0], "raw_fts5_p95_ms": raw[1]} if raw else {}),
        "backend": backend,
        "docs": len(objects),
        "build_docs_per_s": round(len(objects) / build),
        "index_mb": round(size / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "recall_at_10": round(statistics.mean(recalls), 2),
        "mrr": round(statistics.mean(rrs), 2),
    }


def _raw_fts5_timings() -> tuple[float, float]:
    """p50/p95 of the same query set as bare SQL on the same FTS5 table: the analysed MATCH
    expression, bm25 with the same column weights, ORDER BY rank LIMIT 10 — no Django."""
    from django.db import connection
    from modelsearch.conf import get_app_config

    from search.backends.database import (
        RankedFTS5Results,
        _fts5_match,
        _single_character,
        analyse_query,
    )

    table = get_app_config().get_model("IndexEntry")._meta.db_table
    bm25 = RankedFTS5Results.BM25.format(table=table)
    sql = (
        f"SELECT rowid, {bm25} AS rank FROM {table}_fts "  # noqa: S608
        f"WHERE {table}_fts MATCH %s ORDER BY rank LIMIT 10"
    )
    timings = []
    with connection.cursor() as cursor:
        for query in QUERIES_NEEDLE * 3 + QUERIES_HEAD * 3:
            t0 = time.perf_counter()
            match = _fts5_match(analyse_query(query), prefix=_single_character(query))
            cursor.execute(sql, [match])
            cursor.fetchall()
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return round(statistics.median(timings), 2), round(timings[int(len(timings) * 0.95) - 1], 1)


def worker(backend: str, folder: Path) -> dict:
    """What a web worker holds and answers: a fresh process with Django, the analysis (jieba,
    OpenCC) and the built index open, running the query set — no corpus in memory."""
    os.environ.update(DATA_DIR=str(folder), SEARCH_BACKEND="database")
    _setup()
    from django.conf import settings
    from wagtail.search.backends import get_search_backend

    from content.models import MomentScript, Script
    from search.query import search as search_api

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**BACKENDS[backend], "PATH": str(folder / "whoosh")}
    }
    search_backend = get_search_backend("default")
    queries = QUERIES_NEEDLE * 3 + QUERIES_HEAD * 3

    def timed(run, record: list | None = None) -> list[float]:
        for query in dict.fromkeys(queries):  # warm: jieba's dictionary, the plan cache
            run(query)
        timings = []
        for query in queries:
            t0 = time.perf_counter()
            run(query)
            timings.append((time.perf_counter() - t0) * 1000)
            if record is not None:
                record.append((query, timings[-1]))
        return sorted(timings)

    def admin_listing(query):  # a kind's listing: the count, then the first page of 20
        results = search_backend.search(query, MomentScript.objects.all())
        results.count()
        list(results[:20])

    backend_typed: list[tuple[str, float]] = []
    api_typed: list[tuple[str, float]] = []
    backend_ms = timed(
        lambda q: list(search_backend.search(q, Script.objects.all())[:10]), backend_typed
    )
    api_ms = timed(search_api, api_typed)  # /api/v1/search/: live, in the validity window, 3 types
    admin_ms = timed(admin_listing)
    at95 = int(len(queries) * 0.95) - 1
    row = {
        "worker_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_p50_ms": round(statistics.median(backend_ms), 2),
        "worker_p95_ms": round(backend_ms[at95], 1),
        "api_search_p50_ms": round(statistics.median(api_ms), 2),
        "api_search_p95_ms": round(api_ms[at95], 1),
        "admin_listing_p95_ms": round(admin_ms[at95], 1),
    }
    if _postgres():  # the PostgreSQL figures split by query type (notes: issue 17)
        row.update(by_type("backend", backend_typed))
        row.update(by_type("api", api_typed))
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--backends", default="stock,database,whoosh")
    parser.add_argument(
        "--keep", action="store_true", help="keep the corpus and indexes (prints the folder)"
    )
    parser.add_argument(
        "--database-url", help="postgres://… : measure on PostgreSQL (the database is emptied)"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.folder))))
        return
    if args.worker:
        print(json.dumps(worker(args.worker, Path(args.folder))))
        return
    backends = args.backends.split(",")
    if args.database_url:
        if not args.database_url.startswith(("postgres://", "postgresql://")):
            sys.exit("--database-url must be a postgres:// URL")
        os.environ["DATABASE_URL"] = args.database_url  # the subprocesses inherit it
        backends = ["database"]
    base = Path(tempfile.mkdtemp(prefix="siyu-search-bench-"))
    corpus = base / "corpus" / "db.sqlite3"
    corpus.parent.mkdir()
    build_corpus(corpus, args.docs)
    rows = []
    for backend in backends:
        folder = base / backend
        folder.mkdir()
        if not args.database_url:
            shutil.copy(corpus, folder / "db.sqlite3")
        out = subprocess.run(
            [sys.executable, "-m", "bench.search", "--measure", backend, "--folder", str(folder)],
            check=True, capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        row = json.loads(out.stdout.strip().splitlines()[-1])
        out = subprocess.run(
            [sys.executable, "-m", "bench.search", "--worker", backend, "--folder", str(folder)],
            check=True, capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        row.update(json.loads(out.stdout.strip().splitlines()[-1]))
        rows.append(row)
        print(rows[-1], flush=True)
    # Columns in first-seen order: some (the bare FTS5 figures) exist for one backend only.
    keys = list(dict.fromkeys(key for row in rows for key in row))
    print("| " + " | ".join(keys) + " |")
    print("|" + " --- |" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row.get(k, "—")) for k in keys) + " |")
    if args.keep:
        print(f"Kept in {base}; rerun a worker with")
        print(f"  python -m bench.search --worker BACKEND --folder {base}/BACKEND")
    else:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
