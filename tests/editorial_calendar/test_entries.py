import pytest
from django.core.exceptions import ValidationError

from editorial_calendar.models import CalendarEntry
from editorial_calendar.workflow import TransitionError, allowed_moves, move
from tests.content.factories import MomentScriptFactory

from .factories import CalendarEntryFactory, persona_on

pytestmark = pytest.mark.django_db


def test_an_entry_walks_through_review_to_published(copywriter, manager):
    entry = CalendarEntryFactory(status="idea")
    entry.script = MomentScriptFactory(persona=entry.persona)  # published: deliverable
    move(entry, "drafting", copywriter)
    move(entry, "in_review", copywriter)
    move(entry, "approved", manager)
    move(entry, "scheduled", manager)
    move(entry, "published", manager)
    assert CalendarEntry.objects.get(pk=entry.pk).status == "published"


def test_skipping_review_is_refused_and_nothing_changes(manager):
    entry = CalendarEntryFactory(status="drafting")
    with pytest.raises(TransitionError):
        move(entry, "approved", manager)
    assert CalendarEntry.objects.get(pk=entry.pk).status == "drafting"


def test_copywriters_cannot_approve_or_send_back(copywriter):
    entry = CalendarEntryFactory(status="in_review")
    assert allowed_moves(entry, copywriter) == ["cancelled"]
    with pytest.raises(TransitionError, match="经理|manager|运营主管"):
        move(entry, "approved", copywriter)


def test_sending_back_needs_a_comment_which_is_kept(manager):
    entry = CalendarEntryFactory(status="in_review")
    with pytest.raises(TransitionError):
        move(entry, "drafting", manager, "  ")
    move(entry, "drafting", manager, "标题太平淡，换个角度")
    entry.refresh_from_db()
    assert (entry.status, entry.review_comment) == ("drafting", "标题太平淡，换个角度")


def test_a_persona_cannot_be_planned_on_a_channel_it_does_not_run():
    persona = persona_on("wechat")
    entry = CalendarEntry(date="2026-11-20", persona=persona, channel="douyin", title="x")
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "channel" in error.value.message_dict


def test_a_script_of_another_persona_is_refused():
    persona = persona_on("wechat")
    script = MomentScriptFactory()
    entry = CalendarEntry(
        date="2026-11-20", persona=persona, channel="wechat", title="x", script=script
    )
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "script" in error.value.message_dict


def test_moderation_mismatch_is_flagged():
    persona = persona_on("wechat")
    draft = MomentScriptFactory(persona=persona, publish=False)
    live = MomentScriptFactory(persona=persona)
    assert CalendarEntryFactory(persona=persona, status="approved", script=draft).script_mismatch()
    assert CalendarEntryFactory(persona=persona, status="approved").script_mismatch()
    assert CalendarEntryFactory(persona=persona, status="in_review", script=draft).script_mismatch()
    assert not CalendarEntryFactory(
        persona=persona, status="approved", script=live
    ).script_mismatch()
    assert not CalendarEntryFactory(persona=persona, status="idea").script_mismatch()
