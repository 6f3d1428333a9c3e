"""Demo reports for the 效果 panel: 30 days of what a bot would have reported about the demo's
published scripts (sent → read → clicked → converted), recorded as one revoked demo client's
events, with the script totals (ScriptUsage) added the same way the events API adds them.
Idempotent: nothing is added when the demo client already exists."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bots.models import BotClient, ReportedEvent
from content.models import Script, ScriptUsage
from editorial_calendar.models import CalendarEntry

CLIENT_NAME = "演示数据（机器人上报，已停用）"
DAYS = 30


@transaction.atomic
def load(stdout) -> None:
    if BotClient.objects.filter(name=CLIENT_NAME).exists():
        stdout.write("效果 demo reports: already there.")
        return
    scripts = list(Script.objects.filter(live=True).select_related("persona").order_by("pk"))
    if not scripts:
        return
    client, _token = BotClient.create(CLIENT_NAME, all_personas=True)
    client.revoke()  # only the owner of its reports: it can never call the API
    channel_of = dict(
        CalendarEntry.objects.filter(script__in=scripts)
        .order_by("pk")
        .values_list("script_id", "channel")
    )
    rng = random.Random(13)  # the same demo every time  # noqa: S311
    now = timezone.now()
    rows, usage = [], defaultdict(int)
    for script in scripts:
        weight = rng.uniform(0.3, 1.6)
        channel = channel_of.get(script.pk) or rng.choice(["wechat", "wecom", "wechat_group"])
        for day in range(DAYS):
            if rng.random() < 0.45:
                continue
            sent = int(rng.randint(5, 40) * weight)
            read = int(sent * rng.uniform(0.45, 0.9))
            clicked = int(read * rng.uniform(0.1, 0.45))
            converted = int(clicked * rng.uniform(0.05, 0.4))
            when = now - timedelta(days=day, hours=rng.randint(0, 10))
            for event_type, count in (
                ("sent", sent), ("read", read), ("clicked", clicked), ("converted", converted)
            ):  # fmt: skip
                if count:
                    rows.append(
                        ReportedEvent(
                            client=client,
                            script_id=script.pk,
                            type=event_type,
                            count=count,
                            occurred_at=when,
                            channel=channel,
                        )  # fmt: skip
                    )
                    usage[(script.pk, event_type)] += count
    ReportedEvent.objects.bulk_create(rows, batch_size=500)
    ScriptUsage.add(dict(usage))
    stdout.write(f"效果 demo reports: {len(rows)} events over {DAYS} days.")
