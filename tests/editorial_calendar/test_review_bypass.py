"""Nothing bots act on skips review: a copywriter's change to an approved or scheduled entry
sends it back to review, and only managers write review comments (issue: hardening item 4)."""

from datetime import date

import pytest
from django.urls import reverse

from editorial_calendar.models import CalendarEntry
from tests.content.factories import MomentScriptFactory

from .factories import CalendarEntryFactory, HotTopicFactory, persona_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def xiaomei():
    return persona_on("wechat", "wechat_group", name="小美", slug="xiaomei")


def edit_url(entry):
    return reverse("wagtailsnippets_editorial_calendar_calendarentry:edit", args=[entry.pk])


def form_data(entry, **changes):
    """What the edit form posts when the user changes nothing but `changes`."""
    data = {
        "date": entry.date.isoformat(),
        "time": entry.time.strftime("%H:%M") if entry.time else "",
        "persona": entry.persona_id,
        "channel": entry.channel,
        "title": entry.title,
        "hot_topic": entry.hot_topic_id or "",
        "script": entry.script_id or "",
        "owner": entry.owner_id or "",
        "status": entry.status,
        "notes": entry.notes,
        "review_comment": entry.review_comment,
    }
    data.update(changes)
    return data


def approved_entry(persona, status="approved", **kwargs):
    script = MomentScriptFactory(persona=persona)  # published
    return CalendarEntryFactory(
        persona=persona,
        status=status,
        script=script,
        date=date(2026, 11, 20),
        notes="先发预告",
        review_comment="可以，按时发",
        **kwargs,
    )


def bots_see(entry) -> bool:
    return CalendarEntry.objects.actionable().filter(pk=entry.pk).exists()


def changes_for(field, persona):
    return {
        "title": "改过的标题",
        "notes": "改成直接发链接",
        "date": "2026-11-21",
        "time": "21:30",
        "channel": "wechat_group",
        "script": MomentScriptFactory(persona=persona).pk,
        # a topic whose preparation window includes the entry's date (2026-11-20)
        "hot_topic": HotTopicFactory(start=date(2026, 11, 25), end=date(2026, 11, 25)).pk,
    }[field]


@pytest.mark.parametrize("status", ["approved", "scheduled"])
@pytest.mark.parametrize(
    "field", ["title", "notes", "date", "time", "channel", "script", "hot_topic"]
)
def test_a_copywriters_change_sends_an_approved_entry_back_to_review(
    copywriter_client, xiaomei, status, field
):
    entry = approved_entry(xiaomei, status=status)
    assert bots_see(entry)
    value = changes_for(field, xiaomei)
    response = copywriter_client.post(edit_url(entry), form_data(entry, **{field: value}))
    assert response.status_code == 302, response.context["form"].errors
    entry.refresh_from_db()
    assert entry.status == "in_review"
    assert not bots_see(entry)
    # The change itself is kept, and the user is told where the entry went.
    assert str(form_data(entry)[field]) == str(value)
    page = copywriter_client.get(response.url).content.decode()
    assert "went back to review" in page or "退回审核" in page or "重新审核" in page


def test_the_change_shows_up_in_the_managers_review_list(
    copywriter_client, manager, xiaomei, client
):
    entry = approved_entry(xiaomei)
    copywriter_client.post(edit_url(entry), form_data(entry, title="临时改成直播预告"))
    client.force_login(manager)
    page = client.get(reverse("editorial_calendar:index"), {"month": "2026-11"})
    assert "临时改成直播预告" in page.content.decode()
    assert [e.pk for e in page.context["in_review"]] == [entry.pk]


def test_the_form_warns_before_saving(copywriter_client, xiaomei):
    entry = approved_entry(xiaomei)
    page = copywriter_client.get(edit_url(entry)).content.decode()
    assert "sends it back to review" in page or "退回审核" in page or "重新审核" in page


def test_changing_only_the_owner_keeps_the_approval(copywriter_client, copywriter, xiaomei):
    entry = approved_entry(xiaomei)
    response = copywriter_client.post(edit_url(entry), form_data(entry, owner=copywriter.pk))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.owner) == ("approved", copywriter)


def test_saving_without_changes_keeps_the_approval(copywriter_client, xiaomei):
    entry = approved_entry(xiaomei)
    assert copywriter_client.post(edit_url(entry), form_data(entry)).status_code == 302
    entry.refresh_from_db()
    assert entry.status == "approved"


def test_a_copywriter_may_still_cancel_an_approved_entry(copywriter_client, xiaomei):
    entry = approved_entry(xiaomei)
    response = copywriter_client.post(
        edit_url(entry), form_data(entry, status="cancelled", notes="活动取消了")
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.notes) == ("cancelled", "活动取消了")


def test_a_managers_change_keeps_the_approval(manager_client, xiaomei):
    entry = approved_entry(xiaomei)
    response = manager_client.post(edit_url(entry), form_data(entry, title="主管改的标题"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.title) == ("approved", "主管改的标题")
    assert bots_see(entry)


def test_a_copywriter_cannot_change_a_published_entry(copywriter_client, xiaomei):
    entry = approved_entry(xiaomei, status="published")
    response = copywriter_client.post(edit_url(entry), form_data(entry, notes="偷偷改"))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and ("manager" in errors[0] or "主管" in errors[0] or "经理" in errors[0])
    entry.refresh_from_db()
    assert (entry.status, entry.notes) == ("published", "先发预告")


def test_only_reviewers_write_review_comments(copywriter_client, xiaomei):
    entry = approved_entry(xiaomei, status="in_review")
    page = copywriter_client.get(edit_url(entry)).content.decode()
    assert "可以，按时发" in page  # copywriters read why, e.g. after a send-back
    response = copywriter_client.post(
        edit_url(entry), form_data(entry, review_comment="主管说可以直接发")
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.review_comment == "可以，按时发"
    new = copywriter_client.post(
        reverse("wagtailsnippets_editorial_calendar_calendarentry:add"),
        {
            "date": "2026-11-18",
            "time": "",
            "persona": xiaomei.pk,
            "channel": "wechat",
            "title": "新排期",
            "status": "idea",
            "notes": "",
            "review_comment": "已审核通过",
        },
    )
    assert new.status_code == 302
    assert CalendarEntry.objects.get(title="新排期").review_comment == ""


def test_managers_write_review_comments(manager_client, xiaomei):
    entry = approved_entry(xiaomei, status="in_review")
    response = manager_client.post(edit_url(entry), form_data(entry, review_comment="再改改开头"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.review_comment == "再改改开头"
