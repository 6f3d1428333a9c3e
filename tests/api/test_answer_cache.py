"""Cached answers (core/api/answers.py): the list and the calendar are answered from the cache
until something they show changes — a publish, an unpublish, a scope change, a pause, or the
clock passing a validity boundary — and never after."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bots import credentials
from content import messages as msgs
from content.api import detail, with_values
from content.models import Script
from core import generation
from editorial_calendar.models import CalendarPause
from tests.content.factories import (
    ChatScriptFactory,
    GroupScriptFactory,
    LivestreamScriptFactory,
    MomentScriptFactory,
    segment,
    variable,
)
from tests.editorial_calendar.factories import CalendarEntryFactory
from tests.personas.factories import PersonaChannelFactory

from .conftest import body

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 11)
CALENDAR = {"from": DAY.isoformat(), "to": DAY.isoformat()}


def titles(response):
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in body(response)["items"])


def test_a_repeated_list_is_answered_from_the_cache(api, xiaomei, django_assert_num_queries):
    MomentScriptFactory(persona=xiaomei, title="会员日")
    first = api.get("scripts/", {"limit": 5})
    # Only the token check, which reads the generation in the same statement (both from the
    # shared cache when there is one).
    with django_assert_num_queries(0 if credentials.shared() else 1):
        again = api.get("scripts/", {"limit": 5})
    assert again.content == first.content and again["ETag"] == first["ETag"]
    with django_assert_num_queries(0 if credentials.shared() else 1):
        not_modified = api.get("scripts/", {"limit": 5}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not not_modified.content


def test_publish_unpublish_and_edits_show_at_once(api, xiaomei):
    script = MomentScriptFactory(persona=xiaomei, title="会员日")
    assert titles(api.get("scripts/")) == ["会员日"]
    MomentScriptFactory(persona=xiaomei, title="新品")
    assert titles(api.get("scripts/")) == ["会员日", "新品"]
    script.title = "会员日改"
    script.save_revision().publish()
    assert titles(api.get("scripts/")) == ["会员日改", "新品"]
    script.unpublish()
    assert titles(api.get("scripts/")) == ["新品"]
    MomentScriptFactory(persona=xiaomei, title="草稿", publish=False)
    assert titles(api.get("scripts/")) == ["新品"]


def test_tags_audiences_and_persona_changes_show_at_once(api, xiaomei):
    script = MomentScriptFactory(persona=xiaomei, title="会员日", tags=["福利"])
    assert titles(api.get("scripts/", {"tag": "福利"})) == ["会员日"]
    script.tags.set(["新品"])
    script.save_revision().publish()
    assert titles(api.get("scripts/", {"tag": "福利"})) == []
    xiaomei.unpublish()
    assert titles(api.get("scripts/")) == []


def test_a_scope_change_or_revocation_applies_at_the_next_request(api, bot, xiaomei, dr_lin):
    MomentScriptFactory(persona=xiaomei, title="小美的")
    MomentScriptFactory(persona=dr_lin, title="林医生的")
    assert titles(api.get("scripts/")) == ["小美的", "林医生的"]
    bot.personas.set([dr_lin])
    assert titles(api.get("scripts/")) == ["林医生的"]
    bot.revoke()
    assert api.get("scripts/").status_code == 401


def test_the_clock_opens_and_closes_validity_windows_without_a_write(api, xiaomei, monkeypatch):
    now = timezone.now()
    MomentScriptFactory(persona=xiaomei, title="一直有效")
    MomentScriptFactory(persona=xiaomei, title="明天开始", valid_from=now + timedelta(days=1))
    MomentScriptFactory(persona=xiaomei, title="今天结束", valid_until=now + timedelta(hours=2))
    assert titles(api.get("scripts/")) == ["一直有效", "今天结束"]
    assert titles(api.get("scripts/")) == ["一直有效", "今天结束"]  # cached
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=3))
    assert titles(api.get("scripts/")) == ["一直有效"]
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(days=1, seconds=1))
    assert titles(api.get("scripts/")) == ["一直有效", "明天开始"]


def test_calendar_answers_follow_entries_pauses_and_linked_scripts(api, xiaomei):
    PersonaChannelFactory(persona=xiaomei, channel="moments")
    script = MomentScriptFactory(persona=xiaomei, title="双十一")
    entry = CalendarEntryFactory(persona=xiaomei, script=script, date=DAY, status="approved",
                                 channel="moments")  # fmt: skip
    items = body(api.get("calendar/", CALENDAR))["items"]
    assert [item["script"]["id"] for item in items] == [script.pk]
    script.unpublish()  # not deliverable on its date: not served (API.md "Calendar")
    assert body(api.get("calendar/", CALENDAR))["items"] == []
    script.save_revision().publish()
    assert [i["script"]["id"] for i in body(api.get("calendar/", CALENDAR))["items"]] == [script.pk]
    pause = CalendarPause.objects.create(start=DAY, end=DAY, reason="舆情")
    assert body(api.get("calendar/", CALENDAR))["items"] == []
    pause.resumed_at = timezone.now()
    pause.save()
    assert [i["id"] for i in body(api.get("calendar/", CALENDAR))["items"]] == [entry.pk]
    entry.delete()
    assert body(api.get("calendar/", CALENDAR))["items"] == []


def test_the_default_calendar_window_moves_at_midnight(api, xiaomei, monkeypatch):
    PersonaChannelFactory(persona=xiaomei, channel="moments")
    now = timezone.now()
    tomorrow = timezone.localdate() + timedelta(days=8)
    CalendarEntryFactory(persona=xiaomei, date=tomorrow, status="approved", channel="moments")
    assert body(api.get("calendar/"))["items"] == []
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(days=1))
    assert [i["date"] for i in body(api.get("calendar/"))["items"]] == [tomorrow.isoformat()]


def test_writes_without_signals_say_so_with_bump(api, xiaomei):
    script = MomentScriptFactory(persona=xiaomei, title="旧标题")
    assert titles(api.get("scripts/")) == ["旧标题"]
    Script.objects.filter(pk=script.pk).update(title="新标题")
    generation.bump()
    assert titles(api.get("scripts/")) == ["新标题"]


# Render substitutes in the cached detail: the same texts as rendering the stored blocks -------
def test_rendering_the_cached_detail_equals_rendering_the_blocks(rf, xiaomei):
    values = {"nickname": "小王", "coupon": "HY2026"}
    text = "{{nickname}}你好，券码{{coupon}}，{{unknown}}不变"
    declared = {"variables": [variable("nickname"), variable("coupon"), variable("unknown")]}
    link = {"url": "https://example.com/{{coupon}}", "title": "给{{nickname}}的福利",
            "description": "{{coupon}} 限时", "image": None}  # fmt: skip
    scripts = [
        MomentScriptFactory(
            persona=xiaomei, messages=[("text", text)], first_comment=text, **declared
        ),
        GroupScriptFactory(persona=xiaomei, messages=[("text", text), ("link", link)], **declared),
        LivestreamScriptFactory(
            persona=xiaomei,
            messages=[("text", text)],
            segments=[segment("warmup", 5, text, [text, "{{nickname}}"])],
            **declared,
        ),
        ChatScriptFactory(persona=xiaomei, messages=[("text", text)], **declared),
    ]
    request = rf.get("/")
    for script in scripts:
        script = Script.objects.get(pk=script.pk).as_kind()
        rendered = with_values(detail(script, request), values)
        assert rendered["messages"] == msgs.to_api(script.messages, values,
                                                   request.build_absolute_uri)  # fmt: skip
        assert "小王" in str(rendered["messages"]) and "{{unknown}}" in str(rendered["messages"])
        if script.kind == "livestream":
            assert rendered["segments"] == msgs.segments_to_api(script.segments, values)
            assert rendered["warmup_messages"] == rendered["messages"]
        if script.kind == "moment":
            assert rendered["first_comment"] == "小王你好，券码HY2026，{{unknown}}不变"
