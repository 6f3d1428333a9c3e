"""Demo calendar: hot topics for this year and next, and about two months of entries per
persona in every status. Entries are only created when the calendar is empty."""

import hashlib
from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.search import index

from content.models import Script
from core import generation
from personas.models import Persona

from .enums import EntryStatus
from .generate import generate
from .models import CalendarEntry, HotTopic

KIND_FOR_CHANNEL = {
    "wechat": "moment",
    "wecom": "chat",
    "wechat_group": "group",
    "livestream": "livestream",
    "official_account": "moment",
    "xiaohongshu": "moment",
    "sms": "chat",
}
TIMES = [time(8, 30), time(12, 0), time(18, 30), time(20, 0), time(21, 30)]


def _pick(seed: str, n: int) -> int:
    return int(hashlib.sha256(seed.encode()).hexdigest(), 16) % n


def _status(offset: int, seed: str) -> str:
    if offset < 0:
        return EntryStatus.CANCELLED if _pick(seed, 9) == 0 else EntryStatus.PUBLISHED
    if offset <= 2:
        return EntryStatus.SCHEDULED if _pick(seed, 2) else EntryStatus.APPROVED
    if offset <= 10:
        return [
            EntryStatus.APPROVED,
            EntryStatus.IN_REVIEW,
            EntryStatus.IN_REVIEW,
            EntryStatus.DRAFTING,
        ][_pick(seed, 4)]
    return [EntryStatus.DRAFTING, EntryStatus.IDEA, EntryStatus.IDEA][_pick(seed, 3)]


def load(stdout) -> None:
    today = timezone.localdate()
    created = sum(generate(year).created for year in (today.year, today.year + 1))
    stdout.write(f"热点 hot topics: {created} created, {HotTopic.objects.count()} in total.")
    if CalendarEntry.objects.exists():
        stdout.write("排期 calendar entries: already there, left as they are.")
        return

    User = get_user_model()
    owners = {u.username: u for u in User.objects.filter(username__in=["copywriter", "manager"])}
    first, last = today - timedelta(days=14), today + timedelta(days=45)
    topics = list(HotTopic.objects.filter(start__gte=first, start__lte=last).order_by("start"))
    entries = []
    for persona in Persona.objects.prefetch_related("channels").order_by("pk"):
        channels = sorted({account.channel for account in persona.channels.all()})
        scripts: dict[str, list] = {}
        for script in Script.objects.live().filter(persona=persona).order_by("pk"):
            scripts.setdefault(script.kind, []).append(script)
        day = first
        while day <= last:
            offset = (day - today).days
            seed = f"{persona.slug}:{day}"
            count = _pick(seed, 3)  # 0–2 a day, plus a busy day below
            if offset == 3 and persona.slug == "xiaomei":
                count = 5  # one over-full day: shows the fatigue warning
            for n in range(count):
                channel = channels[_pick(f"{seed}:{n}:c", len(channels))]
                if offset == 3 and persona.slug == "xiaomei":
                    channel = "wechat"
                kind = KIND_FOR_CHANNEL.get(channel, "moment")
                pool = scripts.get(kind, [])
                status = _status(offset, f"{seed}:{n}:s")
                script = (
                    pool[_pick(f"{seed}:{n}:p", len(pool))]
                    if pool and status != EntryStatus.IDEA
                    else None
                )
                topic = next((t for t in topics if t.prepare_from <= day <= t.end), None)
                if script is None and pool and status != EntryStatus.IDEA:
                    title = pool[_pick(f"{seed}:{n}:p", len(pool))].title  # being rewritten
                else:
                    title = (
                        script.title if script else (f"{topic.name}选题" if topic else "选题待定")
                    )
                entries.append(
                    CalendarEntry(
                        date=day,
                        time=TIMES[_pick(f"{seed}:{n}:t", len(TIMES))],
                        persona=persona,
                        channel=channel,
                        title=title,
                        hot_topic=topic if _pick(f"{seed}:{n}:h", 3) else None,
                        script=script,
                        owner=owners.get("copywriter"),
                        status=status,
                        notes="",
                    )
                )
            day += timedelta(days=1)
    # bulk_create sends no post_save: put the new entries in the search index ourselves, and
    # tell the API's cached answers (core/generation.py).
    for entry in CalendarEntry.objects.bulk_create(entries):
        index.insert_or_update_object(entry)
    generation.bump()
    stdout.write(f"排期 calendar entries: {len(entries)} created.")
