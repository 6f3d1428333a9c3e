"""In-process CPU per request of the chat-tool adapters beside the REST endpoints they reuse:
MCP tools/call get_script vs GET /api/v1/scripts/{id}/, Dify retrieval (top_k=5) vs
GET /api/v1/search/?limit=5. No HTTP server and no test client: each request goes through
Django's WSGI handler as a server calls it (request_started/request_finished, so the database
connection is closed or kept exactly as in production), and the figures are the process's
CPU time (time.process_time: every thread, the MCP loop's too) per request, median of --rounds.

    DATA_DIR=<a folder with a migrated demo database> .venv/bin/python -m bench.integrations
    ... --conn-max-age 60     # keep the SQLite connection between requests
    ... --targets detail,mcp  # only these (detail, mcp, search, dify, ping: MCP's fixed cost)
    ... --profile mcp         # cProfile of one target (the request's thread only)

DEBUG is off while measuring (no query log). bench/api.py measures the same targets under
gunicorn, when the machine is quiet enough.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import time
from urllib.parse import urlencode

TARGETS = ("detail", "mcp", "search", "dify", "ping")


def environ(method: str, path: str, headers: dict, body: bytes = b"", query: str = "") -> dict:
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)),
        **headers,
    }
    if body:
        env["CONTENT_TYPE"] = "application/json"
    return env


def requester(handler, method: str, path: str, headers: dict, body: bytes = b"", query=""):
    """A function that sends the request once and returns (status, body)."""

    def run() -> tuple[str, bytes]:
        env = environ(method, path, headers, body, query)
        env["wsgi.input"] = io.BytesIO(body)
        status = []
        result = handler(env, lambda s, h, exc_info=None: status.append(s))
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # request_finished: close_old_connections, as a WSGI server does
        return status[0], content

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--query", default="会员")
    parser.add_argument(
        "--conn-max-age", type=int, help="override CONN_MAX_AGE of the database (SQLite: 0)"
    )
    parser.add_argument("--targets", default="detail,mcp,search,dify")
    parser.add_argument("--profile", choices=TARGETS, help="cProfile this target instead")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.dev")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log
    settings.API_RATE_LIMIT = "100000000/m"
    if args.conn_max_age is not None:
        from django.db import connections

        settings.DATABASES["default"]["CONN_MAX_AGE"] = args.conn_max_age
        connections["default"].settings_dict["CONN_MAX_AGE"] = args.conn_max_age
    from django.core.handlers.wsgi import WSGIHandler

    from bots.models import BotClient
    from content.models import Script

    handler = WSGIHandler()
    _client, token = BotClient.create(f"bench-{time.time_ns()}", all_personas=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_HOST": "127.0.0.1"}
    script = Script.objects.deliverable().order_by("pk").first()
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "get_script", "arguments": {"id": script.pk}}}  # fmt: skip
    mcp_headers = {**auth, "HTTP_ACCEPT": "application/json, text/event-stream",
                   "HTTP_MCP_PROTOCOL_VERSION": "2025-11-25"}  # fmt: skip
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    ask = {"knowledge_id": "all", "query": args.query,
           "retrieval_setting": {"top_k": 5, "score_threshold": 0}}  # fmt: skip
    search_query = urlencode({"q": args.query, "limit": 5})
    every = {
        "detail": ("REST detail", requester(handler, "GET", f"/api/v1/scripts/{script.pk}/", auth)),
        "mcp": ("MCP get_script", requester(handler, "POST", "/mcp", mcp_headers,
                                            json.dumps(call).encode())),
        "ping": ("MCP ping", requester(handler, "POST", "/mcp", mcp_headers,
                                       json.dumps(ping).encode())),
        "search": ("REST search limit=5", requester(handler, "GET", "/api/v1/search/", auth,
                                                    query=search_query)),
        "dify": ("Dify retrieval top_k=5", requester(handler, "POST", "/api/v1/dify/retrieval",
                                                     auth, json.dumps(ask).encode())),
    }  # fmt: skip
    targets = {every[key][0]: every[key][1] for key in args.targets.split(",")}
    for name, run in targets.items():
        status, content = run()
        if not status.startswith("200"):
            raise SystemExit(f"{name}: {status} {content[:300]!r}")
    if args.profile:
        import cProfile
        import pstats

        run = every[args.profile][1]
        with cProfile.Profile() as profile:
            for _ in range(args.requests):
                run()
        stats = pstats.Stats(profile).sort_stats("cumulative")
        stats.print_stats(45)
        if os.environ.get("PROFILE_CALLEES"):
            stats.print_callees(os.environ["PROFILE_CALLEES"])
        return
    results = {name: [] for name in targets}
    for _round in range(args.rounds):
        for name, run in targets.items():
            started = time.process_time()
            for _ in range(args.requests):
                run()
            results[name].append((time.process_time() - started) / args.requests * 1000)
    cpu = {name: statistics.median(values) for name, values in results.items()}
    for name, value in cpu.items():
        print(f"{name}: {value:.2f} ms CPU/request (min {min(results[name]):.2f})")
    pairs = (
        ("MCP get_script", "REST detail", 1.3),
        ("Dify retrieval top_k=5", "REST search limit=5", 1.5),
    )
    for mine, theirs, limit in pairs:
        if mine in cpu and theirs in cpu:
            ratio = cpu[mine] / cpu[theirs]
            print(f"{mine} / {theirs}: {ratio:.2f}× (+{cpu[mine] - cpu[theirs]:.2f} ms; "
                  f"≤ {limit}×: {'met' if ratio <= limit else 'NOT met'})")  # fmt: skip


if __name__ == "__main__":
    main()
