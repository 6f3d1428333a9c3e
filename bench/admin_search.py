"""Benchmark: the admin's one search (home box → /admin/find/) at N scripts, as a copywriter.

    .venv/bin/python -m bench.admin_search --docs 10000                   # both backends
    .venv/bin/python -m bench.admin_search --docs 10000 --backends database

Builds bench.search's synthetic corpus (a third of the scripts drafts, plus hot topics and
calendar entries), rebuilds the index per backend in a fresh process, then a second fresh
process (a web worker: Django, jieba, the index; nothing warmed but one request) signs in as a
copywriter and GETs /admin/find/?q=… through the Django test client — the whole request:
session, permissions, search.query over every type, highlights, the template. It prints p50/p95
per backend for the query set unfiltered, and with kind / status filters. Target: p95 ≤ 300 ms
at 10,000 scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.search import BACKENDS, QUERIES_HEAD, QUERIES_NEEDLE, ROOT, _setup, build_corpus

QUERIES = QUERIES_NEEDLE + QUERIES_HEAD + ["會員日", "燕"]


def build(path: Path, docs: int) -> None:
    build_corpus(path, docs)
    from content.models import Script
    from editorial_calendar.models import CalendarEntry, HotTopic
    from personas.models import Persona, PersonaChannel

    ids = list(Script.objects.values_list("pk", flat=True))
    Script.objects.filter(pk__in=ids[::3]).update(live=False)  # drafts, as copywriters have them
    persona = Persona.objects.get()
    PersonaChannel.objects.create(persona=persona, channel="wechat", handle="xiaomei")
    start = date(2026, 1, 1)
    topics = [
        HotTopic(name=f"{name}{i}", slug=f"t{i}", category="ecommerce",
                 start=start + timedelta(days=i), end=start + timedelta(days=i),
                 description=f"{name}的准备：直播预热、红包雨、满减")
        for i, name in enumerate(["会员日", "双十一", "宠粉节", "年货节", "女王节"] * 40)
    ]  # fmt: skip
    HotTopic.objects.bulk_create(topics)
    entries = [
        CalendarEntry(date=start + timedelta(days=i % 365), persona=persona, channel="wechat",
                      title=f"{['会员日', '双十一', '宠粉节'][i % 3]}朋友圈{i}", notes="福利")
        for i in range(1000)
    ]  # fmt: skip
    CalendarEntry.objects.bulk_create(entries)


def index(backend: str, folder: Path) -> None:
    os.environ.update(DATA_DIR=str(folder), SEARCH_BACKEND="database")
    _setup()
    from django.conf import settings
    from wagtail.search.backends import get_search_backend

    from search import index_admin

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**BACKENDS[backend], "PATH": str(folder / "whoosh")}
    }
    get_search_backend("default")
    index_admin.rebuild()


def worker(backend: str, folder: Path) -> dict:
    os.environ.update(DATA_DIR=str(folder), SEARCH_BACKEND="database")
    _setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from core import roles

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**BACKENDS[backend], "PATH": str(folder / "whoosh")}
    }
    settings.ALLOWED_HOSTS = ["*"]
    user, _created = get_user_model().objects.get_or_create(username="bench-copywriter")
    user.groups.add(Group.objects.get(name=roles.COPYWRITERS))
    client = Client()
    client.force_login(user)

    def timed(extra: dict) -> tuple[float, float, int]:
        timings, hits = [], 0
        for query in QUERIES * 3:
            t0 = time.perf_counter()
            response = client.get("/admin/find/", {"q": query, **extra})
            timings.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"/admin/find/?q={query}: HTTP {response.status_code}")
            hits += response.content.count(b'siyu-search-hit"')
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        return round(statistics.median(timings), 1), round(p95, 1), hits // (len(QUERIES) * 3)

    client.get("/admin/find/", {"q": "预热"})  # the first request loads jieba and templates
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        for query in QUERIES:
            client.get("/admin/find/", {"q": query})
        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    row = {"backend": backend}
    for name, extra in (("all", {}), ("moments", {"kind": "script:moment"}),
                        ("drafts", {"status": "draft"})):  # fmt: skip
        p50, p95, hits = timed(extra)
        row.update({f"{name}_p50_ms": p50, f"{name}_p95_ms": p95, f"{name}_hits": hits})
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--backends", default="database,whoosh")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and indexes")
    parser.add_argument("--index", help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.index:
        index(args.index, Path(args.folder))
        return
    if args.worker:
        print(json.dumps(worker(args.worker, Path(args.folder))))
        return
    base = Path(tempfile.mkdtemp(prefix="siyu-admin-search-bench-"))
    corpus = base / "corpus" / "db.sqlite3"
    corpus.parent.mkdir()
    build(corpus, args.docs)
    rows = []
    for backend in args.backends.split(","):
        folder = base / backend
        folder.mkdir()
        shutil.copy(corpus, folder / "db.sqlite3")
        for step in ("--index", "--worker"):
            out = subprocess.run(
                [sys.executable, "-m", "bench.admin_search", step, backend,
                 "--folder", str(folder)],
                capture_output=True, text=True, cwd=ROOT,
            )  # fmt: skip
            if out.returncode:
                sys.exit(f"{step} {backend} failed:\n{out.stderr[-3000:]}")
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(rows[-1], flush=True)
    keys = list(dict.fromkeys(key for row in rows for key in row))
    print("| " + " | ".join(keys) + " |")
    print("|" + " --- |" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row.get(k, "—")) for k in keys) + " |")
    if args.keep:
        print(f"Kept in {base}; profile a worker with BENCH_PROFILE=1 python -m "
              f"bench.admin_search --worker BACKEND --folder {base}/BACKEND")  # fmt: skip
    else:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
