"""Benchmark: server CPU of a sequence's `due` against the script detail, in one run.

    .venv/bin/python -m bench.sequences                # 300 calls per target
    .venv/bin/python -m bench.sequences --calls 1000

In process (Django test client, test settings: a fresh SQLite database in a temporary data
folder, locmem cache), so the figure is the server's CPU per request without HTTP or a load
generator: process CPU time of N requests / N, after 20 warm-up requests per target. The
targets take turns (``--rounds`` rounds of N / rounds calls each) and the figure is the median
of the rounds, so a burst of load on a shared machine lands on every target alike (and the
setup's objects are frozen out of the garbage collector: a full collection of them costs
≈ 0.2 s and would land on whichever target runs then). Query strings are encoded before the
clock starts (a bot's HTTP client encodes them, not the server). Data: a persona, a chat
script of 3 text messages and the 21-day camp of the tests (26 steps: 21 daily check-ins
written in place; the 3 weekly lives and the graduation send the script, all four on day 20 at
20:00; quiet hours 22:00–08:00). Targets:

- script detail 200, body cached (what every repeated GET costs) and uncached (cache cleared
  before each request: the cost of building it);
- due over one hour of the camp with one step due (a day's check-in), the same with a new
  `now` on every call (a bot polling: `now` moves one second per call), over one hour with
  nothing due, over a whole day, over the two hours of day 20 with the steps that send the
  script (a script's availability is decided at `now`: that answer is built whole), and the
  sequence detail (every step with its messages).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from datetime import timedelta
from urllib.parse import urlencode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=10)
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

    from core import local

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

    def due(start_hours: int, hours: int, calls: int = 1) -> list[str]:
        since = CAMP_START + timedelta(hours=start_hours)
        now = since + timedelta(hours=hours)
        return [urlencode({"started_at": CAMP_START.isoformat(), "since": since.isoformat(),
                           "now": (now + timedelta(seconds=n)).isoformat()})
                for n in range(calls)]  # fmt: skip

    due_path = "/api/v1/sequences/camp/due"
    targets = [
        ("script detail 200 (body cached)", f"/api/v1/scripts/{script.pk}/", [""], False),
        ("script detail 200 (uncached)", f"/api/v1/scripts/{script.pk}/", [""], True),
        ("due: 1 hour, 1 step due", due_path, due(24 + 7, 1), False),
        ("due: 1 hour, 1 step, new now", due_path, due(24 + 7, 1, args.calls), False),
        ("due: 1 hour, nothing due", due_path, due(24 + 12, 1), False),
        ("due: a whole day", due_path, due(24 * 6, 24), False),
        ("due: 2 hours, lives (script)", due_path, due(24 * 20 + 19, 2), False),
        ("sequence detail", "/api/v1/sequences/camp/", [""], False),
    ]
    print(f"{args.calls} calls per target in {args.rounds} rounds, in process, "
          f"Python {sys.version.split()[0]}")  # fmt: skip
    print(f"{'target':<34} {'CPU ms/request':>15} {'× detail':>9} {'bytes':>7}")
    for name, path, queries, _clear in targets:
        for query in queries[:20] * (20 // len(queries[:20])):
            response = http.get(path, QUERY_STRING=query)
            if response.status_code != 200:
                raise SystemExit(f"{name}: {response.status_code} {response.content[:300]!r}")
    gc.collect()
    gc.freeze()  # the setup's objects: a full collection of them would land on one target
    share = max(1, args.calls // args.rounds)
    rounds: dict[str, list[float]] = {name: [] for name, *_ in targets}
    sizes = {}
    for turn in range(args.rounds):
        for name, path, queries, clear in targets:
            spent = 0.0
            for n in range(turn * share, (turn + 1) * share):
                if clear:
                    cache.clear()
                    local.clear()  # the process's own copies (core.local) too
                query = queries[n % len(queries)]
                started = time.process_time()
                response = http.get(path, QUERY_STRING=query)
                spent += time.process_time() - started
                if response.status_code != 200:
                    raise SystemExit(f"{name}: {response.status_code}")
            rounds[name].append(spent / share * 1000)
            sizes[name] = len(response.content)
    base = statistics.median(rounds[targets[0][0]])
    for name, *_ in targets:
        ms = statistics.median(rounds[name])
        print(f"{name:<34} {ms:>15.3f} {ms / base:>9.2f} {sizes[name]:>7}")


if __name__ == "__main__":
    main()
