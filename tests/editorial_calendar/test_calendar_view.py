from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial_calendar.models import CalendarEntry
from tests.content.factories import MomentScriptFactory

from .factories import CalendarEntryFactory, HotTopicFactory, persona_on

pytestmark = pytest.mark.django_db

URL = reverse("editorial_calendar:index")


@pytest.fixture
def xiaomei():
    return persona_on("wechat", "wechat_group", name="小美", slug="xiaomei")


def test_manager_sees_the_month_with_hot_topics_and_entries(manager_client, xiaomei):
    HotTopicFactory(name="双11", start=date(2026, 11, 11), end=date(2026, 11, 11))
    CalendarEntryFactory(persona=xiaomei, title="双11预热朋友圈", date=date(2026, 11, 9))
    page = manager_client.get(URL, {"month": "2026-11"}).content.decode()
    assert "2026 年 11 月" in page
    assert "双11" in page and "双11预热朋友圈" in page
    assert "准备" in page  # the preparation window band


def test_week_view_lists_every_entry_of_the_day(manager_client, xiaomei):
    for n in range(7):
        CalendarEntryFactory(persona=xiaomei, title=f"条目{n}", date=date(2026, 11, 18))
    month = manager_client.get(URL, {"month": "2026-11"}).content.decode()
    assert "条目6" not in month and "还有 3 条" in month
    week = manager_client.get(URL, {"view": "week", "week": "2026-11-18"}).content.decode()
    assert all(f"条目{n}" in week for n in range(7))


@pytest.mark.parametrize(
    "query",
    [
        {"month": "2026-13"},
        {"month": "abc"},
        {"view": "week", "week": "2026-02-30"},
        {"view": "year"},
    ],
)
def test_bad_periods_get_a_clear_400(manager_client, query):
    response = manager_client.get(URL, query)
    assert response.status_code == 400
    assert "YYYY" in response.content.decode() or "month" in response.content.decode()


def test_fatigue_warning_above_the_daily_limit(manager_client, xiaomei):
    for n in range(3):  # limit is 2 a day on wechat
        CalendarEntryFactory(
            persona=xiaomei, channel="wechat", date=date(2026, 11, 18), title=f"t{n}"
        )
    page = manager_client.get(URL, {"month": "2026-11"}).content.decode()
    assert "疲劳" in page or "fatigue" in page
    CalendarEntry.objects.filter(title="t2").update(status="cancelled")
    page = manager_client.get(URL, {"month": "2026-11"}).content.decode()
    assert "⚠疲劳" not in page and "⚠fatigue" not in page


def test_upcoming_hot_topic_with_nothing_planned_is_a_gap(manager_client, xiaomei):
    from django.utils import timezone

    today = timezone.localdate()
    topic = HotTopicFactory(name="会员日", start=today, end=today)
    gaps = manager_client.get(URL).content.decode().split('id="gaps-h"')[1]
    assert "会员日" in gaps
    CalendarEntryFactory(persona=xiaomei, hot_topic=topic, date=today)
    gaps = manager_client.get(URL).content.decode().split('id="gaps-h"')[1]
    assert "会员日" not in gaps


def test_month_view_uses_a_constant_number_of_queries(manager_client, xiaomei):
    HotTopicFactory(start=date(2026, 11, 11), end=date(2026, 11, 11))
    CalendarEntryFactory(persona=xiaomei, date=date(2026, 11, 2))
    with CaptureQueriesContext(connection) as few:
        manager_client.get(URL, {"month": "2026-11"})
    CalendarEntry.objects.bulk_create(
        CalendarEntry(
            persona=xiaomei,
            channel="wechat" if n % 2 else "wechat_group",
            date=date(2026, 11, 1 + n % 30),
            time=time(9, n % 60),
            title=f"批量{n}",
            status=["idea", "drafting", "in_review", "approved"][n % 4],
        )
        for n in range(5000)
    )
    with CaptureQueriesContext(connection) as many:
        response = manager_client.get(URL, {"month": "2026-11"})
    assert response.status_code == 200
    assert len(many) == len(few)


def test_copywriter_sees_the_calendar_but_cannot_review(copywriter_client, xiaomei):
    entry = CalendarEntryFactory(persona=xiaomei, status="in_review", date=date(2026, 11, 18))
    page = copywriter_client.get(URL, {"month": "2026-11"}).content.decode()
    assert entry.title in page and 'value="approve"' not in page
    response = copywriter_client.post(
        reverse("editorial_calendar:review", args=[entry.pk]), {"action": "approve"}
    )
    assert response.status_code in (302, 403)  # Wagtail turns PermissionDenied into a redirect
    entry.refresh_from_db()
    assert entry.status == "in_review"


def test_manager_approves_and_sends_back_from_the_calendar(manager_client, xiaomei):
    script = MomentScriptFactory(persona=xiaomei)
    entry = CalendarEntryFactory(persona=xiaomei, status="in_review", script=script)
    review = reverse("editorial_calendar:review", args=[entry.pk])
    manager_client.post(review, {"action": "send_back", "comment": ""})
    entry.refresh_from_db()
    assert entry.status == "in_review"  # a comment is required
    manager_client.post(review, {"action": "send_back", "comment": "换个角度"})
    entry.refresh_from_db()
    assert entry.status == "drafting"
    CalendarEntry.objects.filter(pk=entry.pk).update(status="in_review")
    manager_client.post(review, {"action": "approve"})
    entry.refresh_from_db()
    assert entry.status == "approved"


def test_quick_create_prefills_the_day_and_persona(copywriter_client, xiaomei):
    add = reverse("wagtailsnippets_editorial_calendar_calendarentry:add")
    page = copywriter_client.get(add, {"date": "2026-11-18", "persona": xiaomei.pk})
    form = page.context["form"]
    assert str(form.initial.get("date") or form["date"].value()) == "2026-11-18"
    assert form["persona"].value() == xiaomei.pk
    assert [value for value, _ in form.fields["status"].choices] == ["idea", "drafting"]


def test_adding_an_entry_on_a_channel_the_persona_does_not_run_is_a_form_error(
    copywriter_client, xiaomei
):
    add = reverse("wagtailsnippets_editorial_calendar_calendarentry:add")
    response = copywriter_client.post(
        add,
        {
            "date": "2026-11-18",
            "time": "",
            "persona": xiaomei.pk,
            "channel": "douyin",
            "title": "抖音短视频",
            "status": "idea",
            "notes": "",
            "review_comment": "",
        },
    )
    assert response.status_code == 200
    assert "channel" in response.context["form"].errors
    assert not CalendarEntry.objects.exists()


def test_copywriter_cannot_approve_through_the_entry_form(copywriter_client, xiaomei):
    entry = CalendarEntryFactory(persona=xiaomei, status="in_review", owner=None)
    edit = reverse("wagtailsnippets_editorial_calendar_calendarentry:edit", args=[entry.pk])
    response = copywriter_client.post(
        edit,
        {
            "date": "2026-11-20",
            "time": "",
            "persona": xiaomei.pk,
            "channel": "wechat",
            "title": entry.title,
            "status": "approved",
            "notes": "",
            "review_comment": "",
        },
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == "in_review"
