"""Benchmark: server CPU of a sequence's `due` against the script detail, in one run.

    .venv/bin/python -m bench.sequences                # 300 calls per target
    .venv/bin/python -m bench.sequences --calls 1000

In process (Django test client, test settings: a fresh SQLite database in a temporary data
folder, locmem cache), so the figure is the server's CPU per request without HTTP or a load
generator: process CPU time of N requests / N, after 20 warm-up requests per target. Data: a
persona, a chat script of 3 text messages and the 21-day camp of the tests (26 steps: 21
daily check-ins written in place, 3 weekly lives and a graduation that send the script, quiet
hours 22:00–08:00). Targets:

- script detail 200, body cached (what every repeated GET costs) and uncached (cache cleared
  before each request: the cost of building it);
- due over one hour of the camp with one step due (a day's check-in), over one hour with
  nothing due, over a whole day (several steps, script messages included), and the
  sequence detail (every step with its messages).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "site_config.settings.test"
    os.environ["API_RATE_LIMIT"] = "1000000/m"  # measure the work, not the 429s
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from bots.models import BotClient
    from tests.content.factories import ChatScriptFactory
    from tests.personas.factories import PersonaFactory
    from tests.sequences.camp import CAMP, CAMP_START
    from tests.sequences.factories import SequenceFactory, day

    persona = PersonaFactory(slug="dr-lin")
    script = ChatScriptFactory(persona=persona, messages=[
        ("text", "早安☀️ 今天的早餐吃了什么？"), ("text", "回复一句就算打卡～"),
        ("text", "有问题随时问我。"),
    ])  # fmt: skip
    steps = CAMP["steps"]()
    for index in (21, 22, 23, 24):  # the weekly lives and the graduation send the script
        steps[index] = day(steps[index]["value"]["day"] or 20, "20:00", script=script,
                           title=steps[index]["value"]["title"])  # fmt: skip
    fields = {k: v for k, v in CAMP.items() if k not in ("steps", "start_at")}
    SequenceFactory(persona=persona, slug="camp", steps=steps, start_at=CAMP_START, **fields)
    _client, token = BotClient.create("bench", all_personas=True)
    http = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def due(start_hours: int, hours: int) -> dict:
        since = CAMP_START + timedelta(hours=start_hours)
        now = since + timedelta(hours=hours)
        return {"started_at": CAMP_START.isoformat(), "since": since.isoformat(),
                "now": now.isoformat()}  # fmt: skip

    targets = [
        ("script detail 200 (body cached)", f"/api/v1/scripts/{script.pk}/", {}, False),
        ("script detail 200 (uncached)", f"/api/v1/scripts/{script.pk}/", {}, True),
        ("due: 1 hour, 1 step due", "/api/v1/sequences/camp/due", due(24 + 7, 1), False),
        ("due: 1 hour, nothing due", "/api/v1/sequences/camp/due", due(24 + 12, 1), False),
        ("due: a whole day", "/api/v1/sequences/camp/due", due(24 * 6, 24), False),
        ("sequence detail", "/api/v1/sequences/camp/", {}, False),
    ]
    print(f"{args.calls} calls per target, in process, Python {sys.version.split()[0]}")
    print(f"{'target':<34} {'CPU ms/request':>15} {'bytes':>7}")
    for name, path, params, clear in targets:
        for _ in range(20):
            response = http.get(path, params)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {response.status_code} {response.content[:300]!r}")
        spent = 0.0
        for _ in range(args.calls):
            if clear:
                cache.clear()
            started = time.process_time()
            response = http.get(path, params)
            spent += time.process_time() - started
            if response.status_code != 200:
                raise SystemExit(f"{name}: {response.status_code}")
        print(f"{name:<34} {spent / args.calls * 1000:>15.2f} {len(response.content):>7}")


if __name__ == "__main__":
    main()
