"""Benchmark: the admin month view with 5,000 entries in one month (server time, median).

Run by hand from the project root:
    .venv/bin/python -m bench.calendar_month [--entries 5000] [--runs 15]
It builds a throw-away SQLite database in a temporary data folder, so it touches nothing else.
Record the printed line in bench/RESULTS.md with the machine and date.
"""

import argparse
import os
import platform
import statistics
import tempfile
from datetime import date
from datetime import time as clock

from bench.pages import time_page

os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="siyu-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.dev")
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one request")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client

    from core import roles
    from editorial_calendar.generate import generate
    from editorial_calendar.models import CalendarEntry
    from personas.models import Persona, PersonaChannel

    call_command("migrate", verbosity=0)
    generate(2026)
    personas = []
    for n in range(3):
        persona = Persona.objects.create(
            name=f"人设{n}", slug=f"p{n}", brand="品牌", archetype="shopping_buddy"
        )
        for channel in ("wechat", "wecom", "wechat_group"):
            PersonaChannel.objects.create(
                persona=persona, channel=channel, handle=f"{channel}{n}", daily_post_limit=3
            )
        personas.append(persona)
    statuses = ["idea", "drafting", "in_review", "approved", "scheduled", "published"]
    CalendarEntry.objects.bulk_create(
        CalendarEntry(
            persona=personas[i % 3],
            channel=("wechat", "wecom", "wechat_group")[i % 3],
            date=date(2026, 11, 1 + i % 30),
            time=clock(8 + i % 14, i % 60),
            title=f"排期{i}",
            status=statuses[i % 6],
        )
        for i in range(args.entries)
    )
    manager = User.objects.create_user("bench-manager")
    manager.groups.add(Group.objects.get(name=roles.MANAGERS))
    client = Client()
    client.force_login(manager)

    url = "/admin/calendar/?month=2026-11"
    timings, queries, response = time_page(client, url, args.runs, args.profile, "month view")
    print(
        f"month view, {args.entries} entries: median {statistics.median(timings):.0f} ms, "
        f"min {min(timings):.0f} ms, max {max(timings):.0f} ms over {args.runs} runs; "
        f"{len(queries)} queries; {len(response.content) / 1024:.0f} KiB HTML; "
        f"Python {platform.python_version()}, SQLite, {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
