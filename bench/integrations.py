"""In-process CPU per request of the chat-tool adapters beside the REST endpoints they reuse:
MCP tools/call get_script vs GET /api/v1/scripts/{id}/, Dify retrieval (top_k=5) vs
GET /api/v1/search/?limit=5. Django's test client, no HTTP server: the figures are the
application's own CPU time (time.process_time) per request, median of --rounds.

    DATA_DIR=<a folder with a migrated demo database> .venv/bin/python -m bench.integrations

(bench/api.py measures the same targets under gunicorn, when the machine is quiet enough.)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--query", default="会员")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.dev")
    import django

    django.setup()
    from django.test import Client

    from bots.models import BotClient
    from content.models import Script

    _client, token = BotClient.create(f"bench-{time.time_ns()}", all_personas=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_HOST": "127.0.0.1"}
    script = Script.objects.deliverable().order_by("pk").first()
    http = Client()
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "get_script", "arguments": {"id": script.pk}}}  # fmt: skip
    mcp_headers = {**auth, "HTTP_ACCEPT": "application/json, text/event-stream",
                   "HTTP_MCP_PROTOCOL_VERSION": "2025-11-25"}  # fmt: skip
    ask = {"knowledge_id": "all", "query": args.query,
           "retrieval_setting": {"top_k": 5, "score_threshold": 0}}  # fmt: skip
    targets = {
        "REST detail": lambda: http.get(f"/api/v1/scripts/{script.pk}/", **auth),
        "MCP get_script": lambda: http.post("/mcp", json.dumps(call),
                                            content_type="application/json", **mcp_headers),
        "REST search limit=5": lambda: http.get("/api/v1/search/", {"q": args.query, "limit": 5},
                                                **auth),
        "Dify retrieval top_k=5": lambda: http.post("/api/v1/dify/retrieval", json.dumps(ask),
                                                    content_type="application/json", **auth),
    }  # fmt: skip
    for name, run in targets.items():
        response = run()
        if response.status_code != 200:
            raise SystemExit(f"{name}: {response.status_code} {response.content[:300]!r}")
    results = {name: [] for name in targets}
    for _round in range(args.rounds):
        for name, run in targets.items():
            started = time.process_time()
            for _ in range(args.requests):
                run()
            results[name].append((time.process_time() - started) / args.requests * 1000)
    cpu = {name: statistics.median(values) for name, values in results.items()}
    for name, value in cpu.items():
        print(f"{name}: {value:.2f} ms CPU/request")
    mcp_ratio = cpu["MCP get_script"] / cpu["REST detail"]
    dify_ratio = cpu["Dify retrieval top_k=5"] / cpu["REST search limit=5"]
    for label, ratio, limit in (
        ("MCP get_script / detail", mcp_ratio, 1.3),
        ("Dify retrieval / search", dify_ratio, 1.5),
    ):
        print(f"{label}: {ratio:.2f}× (≤ {limit}×: {'met' if ratio <= limit else 'NOT met'})")


if __name__ == "__main__":
    main()
