"""Benchmark: the manager's home page (the cockpit) with the demo plus 5,000 calendar entries,
10,000 scripts (300 of them in moderation) and 50,000 reported events (server time, median).

Run by hand from the project root:
    .venv/bin/python -m bench.home [--entries 5000] [--scripts 10000] [--runs 15]
It builds a throw-away SQLite database in a temporary data folder, so it touches nothing else.
"""

import argparse
import io
import os
import platform
import random
import statistics
import tempfile
import time
from datetime import timedelta

from bench.pages import time_page

os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="siyu-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.dev")
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--scripts", type=int, default=10000)
    parser.add_argument("--in-moderation", type=int, default=300)
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one request")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # moderation mails
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from bots.models import BotClient, ReportedEvent
    from compliance import versions
    from content.models import MomentScript, Script
    from core import roles
    from editorial_calendar.models import CalendarEntry
    from personas.models import Persona

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    rng = random.Random(5)  # noqa: S311
    personas = list(Persona.objects.filter(channels__isnull=False).distinct())
    version = versions.current()
    Script.objects.bulk_create(
        (
            MomentScript(
                kind="moment",
                persona=personas[i % len(personas)],
                title=f"话术{i}",
                stage="attract",
                search_text=f"宝子们，第{i}条话术的正文",
                live=i % 3 != 0,
                compliance_level=("ok", "warning", "error")[i % 3],
                compliance_version=version,
            )  # fmt: skip
            for i in range(args.scripts)
        ),
        batch_size=1000,
    )
    copywriter = User.objects.filter(groups__name=roles.COPYWRITERS).first()
    new = list(MomentScript.objects.filter(live=False).order_by("-pk")[: args.in_moderation])
    for script in new:
        script.save_revision(user=copywriter, clean=False)
        script.get_workflow().start(script, copywriter)
    scripts = list(Script.objects.values_list("pk", "persona_id"))
    statuses = ["idea", "drafting", "in_review", "approved", "scheduled", "published"]
    today = timezone.localdate()
    CalendarEntry.objects.bulk_create(
        (
            CalendarEntry(
                persona_id=(pick := scripts[rng.randrange(len(scripts))])[1],
                script_id=pick[0],
                channel=rng.choice(["wechat", "wecom", "wechat_group"]),
                date=today + timedelta(days=rng.randint(-30, 60)),
                title=f"排期{i}",
                status=statuses[i % 6],
            )  # fmt: skip
            for i in range(args.entries)
        ),
        batch_size=1000,
    )
    bot, _token = BotClient.create("bench-bot", all_personas=True)
    now = timezone.now()
    ReportedEvent.objects.bulk_create(
        (
            ReportedEvent(
                client=bot,
                script_id=scripts[rng.randrange(len(scripts))][0],
                type=rng.choice(["sent", "read", "clicked", "converted"]),
                count=rng.randint(1, 30),
                channel=rng.choice(["wechat", "wecom", ""]),
                occurred_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 30)),
            )  # fmt: skip
            for _ in range(args.events)
        ),
        batch_size=2000,
    )
    manager = User.objects.create_user("bench-manager")
    manager.groups.add(Group.objects.get(name=roles.MANAGERS))
    client = Client()
    client.force_login(manager)

    from cockpit import performance, queue
    from editorial_calendar import gaps, planning

    for name, part in (
        ("queue.build", queue.build),
        ("gaps.upcoming", lambda: gaps.upcoming(today)),
        ("planning.fatigue", lambda: planning.fatigue(today, today + timedelta(days=13))),
        ("performance 7 days (uncached)", lambda: performance.compute(7)),
        ("performance 30 days (uncached)", lambda: performance.compute(30)),
    ):
        part()
        spent = []
        for _ in range(5):
            start = time.perf_counter()
            part()
            spent.append((time.perf_counter() - start) * 1000)
        print(f"  {name}: median {statistics.median(spent):.0f} ms")
    for url in ("/admin/", "/admin/?days=30"):
        timings, queries, response = time_page(client, url, args.runs, args.profile,
                                               "home page")  # fmt: skip
        print(
            f"manager home {url}, demo + {args.entries} entries + {args.scripts} scripts "
            f"({args.in_moderation} in moderation) + {args.events} events: "
            f"median {statistics.median(timings):.0f} ms, min {min(timings):.0f} ms, "
            f"max {max(timings):.0f} ms over {args.runs} runs; {len(queries)} queries; "
            f"{len(response.content) / 1024:.0f} KiB HTML; Python {platform.python_version()}, "
            f"SQLite, {os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
