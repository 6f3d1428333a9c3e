"""The data the e2e tests look at: the demo's personas and users, some of its moments posts and
a calendar entry today. Plain values only, so a test body never needs the ORM while the browser
runs (see conftest.py)."""

import io
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core.files.images import ImageFile
from django.utils import timezone

from content.import_run import import_rows
from content.models import MomentScript
from core import roles
from editorial_calendar.models import CalendarEntry, HotTopic
from personas import demo as personas_demo
from personas import demo_images
from tests.personas.factories import ImageFactory

DEMO_SCRIPTS = Path(__file__).resolve().parents[2] / "content" / "demo_data" / "scripts.jsonl"
# The demo's own copy: what a person sees on a fresh `make run`. The whole demo takes ~15 s to
# load, too long for every test, so only these rows are imported (through the same importer).
DEMO_MOMENTS = ("demo-xiaomei-moment-01", "demo-xiaomei-moment-02", "demo-xiaomei-moment-03")


@dataclass(frozen=True)
class World:
    moment_id: int
    moment_title: str
    moment_text: str
    first_comment: str
    persona_name: str
    entry_title: str
    topic_name: str


def build_world(make_user) -> World:
    """Users first (password "pw", the demo's e-mail addresses): the demo loader keeps them."""
    for user in (
        make_user("copywriter", roles.COPYWRITERS),
        make_user("manager", roles.MANAGERS),
        make_user("admin", superuser=True),
    ):
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    personas_demo.load(io.StringIO())

    lines = DEMO_SCRIPTS.read_text(encoding="utf-8").splitlines()
    rows = [(n, json.loads(line)) for n, line in enumerate(lines, 1) if line.strip()]
    rows = [(n, row) for n, row in rows if row["external_id"] in DEMO_MOMENTS]
    titles = {m["title"] for _n, row in rows for m in row["messages"] if m["type"] == "image"}
    for title in sorted(titles):
        picture = ImageFile(io.BytesIO(demo_images.picture(title)), name="demo.jpg")
        ImageFactory(title=title, file=picture)
    result = import_rows(rows, publish=True)
    assert result.ok, result.errors

    moment = MomentScript.objects.select_related("persona").get(external_id=DEMO_MOMENTS[0])
    today = timezone.localdate()
    topic = HotTopic.objects.create(
        name="会员日",
        slug="e2e-member-day",
        category="member_day",
        start=today + timedelta(days=2),
        end=today + timedelta(days=2),
        lead_days=5,
    )
    entry = CalendarEntry.objects.create(
        date=today,
        persona=moment.persona,
        channel="wechat",
        title="会员日预热朋友圈",
        hot_topic=topic,
        script=moment,
        status="drafting",
    )
    text = next(m.value for m in moment.messages if m.block_type == "text")
    return World(
        moment_id=moment.pk,
        moment_title=moment.title,
        moment_text=str(text),
        first_comment=moment.first_comment,
        persona_name=moment.persona.name,
        entry_title=entry.title,
        topic_name=topic.name,
    )
