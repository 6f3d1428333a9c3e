"""Draft camps on the calendar: a sequence with a fixed start that is not published yet is a
dashed 草稿 band for planners, as its latest revision says; it never loads a day (fatigue) and
bots never see it."""

from datetime import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.translation import gettext

from bots.models import BotClient
from editorial_calendar import planning
from sequences.enums import LOCAL_TZ
from tests.editorial_calendar.factories import persona_on

from .factories import SequenceFactory, day

pytestmark = pytest.mark.django_db

CAL = reverse("editorial_calendar:index")
START = datetime(2026, 11, 16, 8, 0, tzinfo=LOCAL_TZ)
FATIGUE = "⚠" + gettext("fatigue")


@pytest.fixture
def xiaomei():
    return persona_on("wechat", name="小美", slug="xiaomei")


def busy_steps():  # three sends on 11-16: over the daily limit of 2
    return [day(0, "09:00"), day(0, "12:00"), day(0, "20:00"), day(5, "09:00")]


def test_a_draft_camp_is_a_dashed_band_that_loads_nothing(manager_client, xiaomei):
    draft = SequenceFactory(persona=xiaomei, name="春季训练营", slug="spring", publish=False,
                            start_at=START, steps=busy_steps())  # fmt: skip
    page = manager_client.get(CAL, {"month": "2026-11"}).content.decode()
    assert page.count('data-sequence="spring"') == 1 and 'data-draft="1"' in page
    assert gettext("Draft") + " · 春季训练营" in page
    assert FATIGUE not in page  # a draft sends nothing
    draft_legend = gettext("draft camp: not published, not counted in the daily load")
    assert 'class="legend-camp-draft"' in page and draft_legend in page  # the legend says so
    first, last = datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date()
    assert planning.fatigue(first, last) == []
    # published, the same camp is a solid band and its three sends overload the day
    draft.save_revision().publish()
    page = manager_client.get(CAL, {"month": "2026-11"}).content.decode()
    assert page.count('data-sequence="spring"') == 1 and 'data-draft="1"' not in page
    assert FATIGUE in page
    assert 'class="legend-camp"' in page and 'class="legend-camp-draft"' not in page


def test_the_band_follows_the_drafts_latest_revision(manager_client, xiaomei):
    draft = SequenceFactory(persona=xiaomei, name="春季训练营", slug="spring", publish=False,
                            steps=busy_steps())  # fmt: skip
    page = manager_client.get(CAL, {"month": "2026-11"}).content.decode()
    assert 'data-sequence="spring"' not in page  # no fixed start yet
    draft.start_at = START  # saved as a draft in the editor: only the revision has it
    draft.name = "春季训练营（改）"
    draft.save_revision()
    page = manager_client.get(CAL, {"month": "2026-11"}).content.decode()
    assert page.count('data-sequence="spring"') == 1 and "春季训练营（改）" in page
    other = manager_client.get(CAL, {"month": "2026-11", "channel": "wechat_group"})
    assert 'data-sequence="spring"' not in other.content.decode()
    later = manager_client.get(CAL, {"month": "2026-10"}).content.decode()
    assert 'data-sequence="spring"' not in later


def test_only_planners_who_may_view_sequences_see_drafts_and_bots_never(client, make_user,
                                                                        xiaomei):  # fmt: skip
    SequenceFactory(persona=xiaomei, slug="spring", publish=False, start_at=START,
                    steps=busy_steps())  # fmt: skip
    user = make_user("calendar-only")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_calendarentry"),
    )
    client.force_login(user)
    page = client.get(CAL, {"month": "2026-11"})
    assert page.status_code == 200 and 'data-sequence="spring"' not in page.content.decode()
    _client, token = BotClient.create("bot", all_personas=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/v1/sequences/", **headers).json()
    assert listed["count"] == 0
    assert client.get("/api/v1/sequences/spring/", **headers).status_code == 404
    due = {"started_at": START.isoformat(), "now": START.isoformat()}
    assert client.get("/api/v1/sequences/spring/due", due, **headers).status_code == 404
