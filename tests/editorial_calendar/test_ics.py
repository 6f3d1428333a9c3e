from datetime import date, time

import pytest
from django.urls import reverse
from icalendar import Calendar

from editorial_calendar.models import FeedToken

from .factories import CalendarEntryFactory, HotTopicFactory, persona_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(manager):
    return reverse("calendar_feed", args=[FeedToken.for_user(manager).token])


def test_feed_is_valid_icalendar_with_all_day_topics_and_timed_entries(client, feed):
    from django.utils import timezone

    today = timezone.localdate()
    persona = persona_on("wechat", name="小美", slug="xiaomei")
    HotTopicFactory(name="双11", slug="shuang11-x", start=today, end=today)
    CalendarEntryFactory(
        persona=persona, title="预热", date=today, time=time(20, 0), status="approved"
    )
    CalendarEntryFactory(persona=persona, title="取消了", date=today, status="cancelled")
    response = client.get(feed)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    topic = next(e for s, e in events.items() if "双11" in s)
    assert type(topic.decoded("DTSTART")) is date
    entry = next(e for s, e in events.items() if "预热" in s)
    start = entry.decoded("DTSTART")
    assert (start.hour, start.minute, start.utcoffset().total_seconds()) == (20, 0, 8 * 3600)
    assert not any("取消了" in s for s in events)


def test_feed_per_persona(client, feed):
    from django.utils import timezone

    today = timezone.localdate()
    a = persona_on("wechat", slug="a")
    b = persona_on("wechat", slug="b")
    CalendarEntryFactory(persona=a, title="甲的", date=today)
    CalendarEntryFactory(persona=b, title="乙的", date=today)
    body = client.get(feed, {"persona": "a"}).content.decode()
    assert "甲的" in body and "乙的" not in body
    assert client.get(feed, {"persona": "nobody"}).status_code == 404


def test_unknown_or_rotated_token_is_404(client, manager, feed):
    assert client.get(reverse("calendar_feed", args=["nope"])).status_code == 404
    FeedToken.objects.get(user=manager).rotate()
    assert client.get(feed).status_code == 404


def test_feed_page_shows_the_personal_address(manager_client, manager):
    page = manager_client.get(reverse("editorial_calendar:feed")).content.decode()
    assert FeedToken.objects.get(user=manager).token in page
