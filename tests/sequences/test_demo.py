"""The demo sequences load on the demo personas and scripts, and the camp runs."""

import io
from datetime import timedelta

import pytest

from content import demo as content_demo
from personas import demo as personas_demo
from sequences import demo, schedule
from sequences.models import Sequence

pytestmark = pytest.mark.django_db


def test_demo_sequences_are_published_and_the_camp_runs_21_days(monkeypatch):
    out = io.StringIO()
    personas_demo.load(out)
    content_demo.load(out)
    demo.load(out)
    demo.load(out)  # idempotent
    assert Sequence.objects.live().count() == 4
    camp = Sequence.objects.get(slug="fat-loss-camp-21d")
    end = camp.start_at + timedelta(days=21)
    result = schedule.due(camp, camp.start_at, end)
    assert len(result.steps) == len(camp.steps) and result.next_due_at is None
    assert all(item.at.hour >= 8 for item in result.steps)
