"""A manager accepts a compliance finding on a sequence's step with a reason (the scripts'
mechanism: content.gates.accept), from the 检查 tab."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext

from compliance.models import Override
from sequences import checks
from tests.editorial_calendar.factories import persona_on

from .factories import SequenceFactory, day
from .test_admin import BANNED, edit_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def xiaomei():
    return persona_on("wechat", name="小美", slug="xiaomei")


def accept_url(sequence):
    return reverse("wagtailsnippets_sequences_sequence:accept_finding", args=[sequence.pk])


def draft(persona):
    return SequenceFactory(persona=persona, publish=False,
                           steps=[day(0), day(1, messages=[("text", BANNED)])])  # fmt: skip


def the_error(sequence):
    (finding,) = [f for f in checks.findings(sequence) if f.blocks]
    return finding


def post(client, sequence, finding, reason, number=3):
    key = [number, finding.where, finding.text_hash, finding.code, finding.term]
    return client.post(
        accept_url(sequence),
        {"accept_finding": json.dumps(key), f"accept_reason_{number}": reason},
    )


def shown(response):
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_manager_accepts_a_steps_finding_and_publishing_is_no_longer_blocked(
    manager_client, xiaomei
):
    sequence = draft(xiaomei)
    page = manager_client.get(edit_url(sequence)).content.decode()
    assert gettext("Accept this finding") in page and accept_url(sequence) in page
    response = post(manager_client, sequence, the_error(sequence), "引用学员原话，已核实")
    assert response.status_code == 302 and response["Location"].endswith("#tab-checks")
    override = Override.objects.for_object(sequence).get()
    assert override.where == "steps.1.messages.0" and override.text == BANNED
    assert override.reason == "引用学员原话，已核实"
    assert checks.blocking(sequence) == []
    page = manager_client.get(edit_url(sequence)).content.decode()
    assert "引用学员原话，已核实" in page and gettext("Accept this finding") not in page
    sequence.save_revision().publish()
    sequence.refresh_from_db()
    assert sequence.live


@pytest.mark.parametrize(
    ("reason", "key", "expected"),
    [
        ("   ", None, "Say why this finding is acceptable."),
        ("原话", "not json", "Unknown finding."),
        (
            "原话",
            "stale",
            "This finding is no longer there: the text changed since the page was loaded.",
        ),
    ],
)
def test_bad_accepts_are_refused_with_a_message_and_save_nothing(
    manager_client, xiaomei, reason, key, expected
):
    sequence = draft(xiaomei)
    finding = the_error(sequence)
    if key == "not json":
        response = manager_client.post(accept_url(sequence), {"accept_finding": "[1, 2"})
    else:
        if key == "stale":  # the text changed since the page was loaded
            finding = type(finding)(**{**finding.__dict__, "text_hash": "0" * 16})
        response = post(manager_client, sequence, finding, reason)
    assert response.status_code == 302
    assert gettext(expected) in shown(response)
    assert not Override.objects.for_object(sequence).exists()
    assert checks.blocking(sequence)


def test_a_copywriter_cannot_accept(copywriter_client, xiaomei):
    sequence = draft(xiaomei)
    page = copywriter_client.get(edit_url(sequence)).content.decode()
    assert gettext("Accept this finding") not in page
    refused = post(copywriter_client, sequence, the_error(sequence), "原话")
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    assert not Override.objects.for_object(sequence).exists()
