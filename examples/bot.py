#!/usr/bin/env python3
"""A reference bot for the 私域内容中台 delivery API — copy it and replace `send()`.

It uses only the Python standard library. Each run it:
1. asks /api/v1/calendar/ for today's entries of its persona (following `next` pages),
2. renders each linked script with sample variables (POST /api/v1/scripts/{id}/render),
3. prints what it would send to which channel, and
4. reports a `sent` event per entry (POST /api/v1/events/); the idempotency key makes a
   second run on the same day count nothing twice.

    python examples/bot.py --base-url http://127.0.0.1:8000 --token siyu_... --persona xiaomei

The token comes from `python manage.py bot_client create NAME --persona SLUG` (last line).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

SAMPLES = {"nickname": "小鹿", "name": "小鹿", "coupon_code": "HY2026", "live_time": "今晚 8 点"}


class Api:
    def __init__(self, base_url: str, token: str):
        self.base = base_url.rstrip("/") + "/api/v1/"
        self.token = token

    def call(self, method: str, path: str, params=None, body=None):
        url = path if path.startswith("http") else self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - http(s) base URL
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            problem = json.loads(error.read() or b"{}")
            raise SystemExit(
                f"{method} {url} → {error.code} {problem.get('code')}: {problem.get('detail')}"
            ) from None

    def pages(self, path: str, params: dict):
        """Every item of a list endpoint, following `next`."""
        page = self.call("GET", path, params)
        while True:
            yield from page["items"]
            if not page["next"]:
                return
            page = self.call("GET", page["next"])


def sample_values(variables: list[dict]) -> dict[str, str]:
    return {
        v["name"]: v["default"] or SAMPLES.get(v["name"], f"【{v['name']}】")
        for v in variables
        if v["required"] or v["default"]
    }


def send(channel: str, entry: dict, rendered: dict) -> None:
    """Replace with the real thing (WeCom API, your RPA tool ...). Here: print it."""
    print(f"\n→ [{channel}] {entry['date']} {entry['time'] or ''} {entry['title']}")
    print("  " + rendered["text"].replace("\n", "\n  "))


def run(api: Api, persona: str, day: str) -> int:
    entries = [
        entry
        for entry in api.pages("calendar/", {"from": day, "to": day, "persona": persona})
        if entry["script"]
    ]
    events = []
    for entry in entries:
        script_id = entry["script"]["id"]
        detail = api.call("GET", f"scripts/{script_id}/")
        rendered = api.call(
            "POST",
            f"scripts/{script_id}/render",
            {"format": "text"},
            {"variables": sample_values(detail["variables"])},
        )
        send(entry["channel"], entry, rendered)
        events.append(
            {
                "script": script_id,
                "calendar_entry": entry["id"],
                "type": "sent",
                "channel": entry["channel"],
                "idempotency_key": f"example-bot:{entry['id']}:{day}:sent",
            }
        )
    if events:
        result = api.call("POST", "events/", body={"events": events})
        print(
            f"\nReported {result['accepted']} sent event(s), {result['duplicates']} already known."
        )
    else:
        print(f"Nothing due for {persona} on {day}.")
    return len(entries)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--persona", required=True, help="persona slug, e.g. xiaomei")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()  # the site's time zone
    parser.add_argument("--date", default=today, help="YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)
    run(Api(args.base_url, args.token), args.persona, args.date)
    return 0


if __name__ == "__main__":
    sys.exit(main())
