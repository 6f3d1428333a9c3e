"""Approving a calendar entry re-checks its script with the compliance gate (the same one the
editor and the workflow use)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from content import gates
from editorial_calendar.workflow import TransitionError, move
from tests.compliance.factories import add_word_rule
from tests.content.factories import MomentScriptFactory

from .factories import CalendarEntryFactory, persona_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def xiaomei():
    return persona_on("wechat", slug="xiaomei", address_terms=["宝子们"], catchphrases=[])


def entry_with(persona, text):
    script = MomentScriptFactory(persona=persona, messages=[("text", text)])
    return CalendarEntryFactory(persona=persona, script=script, status="in_review")


def test_rule_added_since_the_script_was_published_refuses_the_approval(manager, xiaomei):
    entry = entry_with(xiaomei, "宝子们，双十一包邮")
    add_word_rule("包邮")
    with pytest.raises(TransitionError, match="包邮"):
        move(entry, "approved", manager)
    entry.refresh_from_db()
    assert entry.status == "in_review"


def test_an_accepted_finding_lets_the_entry_be_approved(manager, xiaomei):
    entry = entry_with(xiaomei, "宝子们，双十一包邮")
    add_word_rule("包邮")
    script = entry.script
    finding = gates.blocking(script)[0]
    gates.accept(
        script,
        where=finding.where,
        text_hash=finding.text_hash,
        rule=finding.code,
        match=finding.term,
        reason="活动确实全国包邮",
        user=manager,
    )
    move(entry, "approved", manager)
    assert entry.status == "approved"


def test_calendar_review_view_shows_the_refusal(manager_client, xiaomei):
    entry = entry_with(xiaomei, "宝子们，双十一包邮")
    add_word_rule("包邮")
    response = manager_client.post(
        reverse("editorial_calendar:review", args=[entry.pk]), {"action": "approve"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "in_review"
    assert "包邮" in " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_clean_script_is_approved(manager, xiaomei):
    entry = entry_with(xiaomei, "宝子们，双十一见")
    move(entry, "approved", manager)
    assert entry.status == "approved"
