"""Bad query strings in the calendar admin get a clear answer, never a 500."""

import pytest
from django.urls import reverse

from editorial_calendar.models import CalendarEntry

from .factories import HotTopicFactory, persona_on

pytestmark = pytest.mark.django_db

URL = reverse("editorial_calendar:index")
ADD = reverse("wagtailsnippets_editorial_calendar_calendarentry:add")
HUGE = "9" * 30  # no database integer column holds this


@pytest.mark.parametrize(
    "query",
    [
        {"month": "9999-12"},
        {"month": "0001-01"},
        {"view": "week", "week": "9999-12-31"},
        {"view": "week", "week": "0001-01-01"},
        {"month": "3000-01"},
    ],
)
def test_months_beyond_the_calendar_get_a_clear_400(manager_client, query):
    response = manager_client.get(URL, query)
    assert response.status_code == 400
    page = response.content.decode()
    assert "1900-01-01" in page and "2999-12-31" in page
    assert "回到本月" in page or "Back to this month" in page


def test_the_first_and_last_months_still_show(manager_client):
    for month in ("1900-01", "2999-12"):
        assert manager_client.get(URL, {"month": month}).status_code == 200
    assert manager_client.get(URL, {"view": "week", "week": "2999-12-31"}).status_code == 200


@pytest.mark.parametrize("value", [HUGE, "²", "-1", "0", "1e3"])
@pytest.mark.parametrize("name", ["persona", "owner"])
def test_a_filter_id_that_cannot_exist_is_ignored(manager_client, name, value):
    persona = persona_on("wechat", name="小美")
    CalendarEntry.objects.create(
        persona=persona, channel="wechat", date="2026-11-18", title="双11预热"
    )
    response = manager_client.get(URL, {"month": "2026-11", name: value})
    assert response.status_code == 200
    assert "双11预热" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"date": "2026-02-30"},
        {"date": "9999-12-31"},
        {"date": "2026-13-01"},
        {"persona": HUGE},
        {"persona": "²"},
        {"hot_topic": HUGE},
        {"persona": "424242"},  # a persona that does not exist
    ],
)
def test_quick_create_ignores_a_prefill_it_cannot_use(copywriter_client, query):
    response = copywriter_client.get(ADD, query)
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.initial.get("date") and not form["date"].value()
    assert form["persona"].value() in (None, "", 424242)


def test_quick_create_still_prefills_good_values(copywriter_client):
    persona = persona_on("wechat", name="小美")
    topic = HotTopicFactory()
    response = copywriter_client.get(
        ADD, {"date": "2026-11-18", "persona": persona.pk, "hot_topic": topic.pk}
    )
    form = response.context["form"]
    assert str(form["date"].value()) == "2026-11-18"
    assert form["persona"].value() == persona.pk
    assert form["hot_topic"].value() == topic.pk
