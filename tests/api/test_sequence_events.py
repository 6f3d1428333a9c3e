"""Usage events naming a sequence step: per-step funnels (sent → read → converted)."""

import pytest

from bots.models import ReportedEvent
from content.models import ScriptUsage
from sequences.models import StepUsage
from tests.content.factories import ChatScriptFactory
from tests.sequences.factories import SequenceFactory, day

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurture(xiaomei):
    script = ChatScriptFactory(persona=xiaomei)
    return SequenceFactory(persona=xiaomei, slug="nurture",
                           steps=[day(0, script=script), day(1, "09:00")])  # fmt: skip


def post(api, *events):
    return api.post("events/", {"events": list(events)})


def test_step_events_add_up_per_step_and_on_the_steps_script(api, nurture):
    first, second = nurture.step_ids()
    script_id = nurture.steps.raw_data[0]["value"]["script"]
    response = post(
        api,
        {"sequence": "nurture", "step": first, "type": "sent", "count": 10},
        {"sequence": "nurture", "step": first, "type": "read", "count": 7},
        {"sequence": "nurture", "step": second, "type": "sent", "count": 9},
        {"sequence": "nurture", "step": second, "type": "converted", "count": 2},
        {"sequence": "nurture", "step": first, "script": script_id, "type": "converted"},
    )
    assert response.status_code == 202, response.content
    funnel = StepUsage.funnel(nurture)
    assert (funnel[first]["sent"], funnel[first]["read"], funnel[first]["converted"]) == (10, 7, 1)
    assert (funnel[second]["sent"], funnel[second]["converted"]) == (9, 2)
    assert ScriptUsage.objects.get(script_id=script_id).sent == 10
    in_place = ReportedEvent.objects.get(step=second, type="sent")
    assert in_place.script_id is None and in_place.sequence_id == nurture.pk


def test_step_ids_survive_a_reorder(api, nurture):
    first, second = nurture.step_ids()
    nurture.steps = [nurture.steps.raw_data[1], nurture.steps.raw_data[0]]
    nurture.save_revision().publish()
    assert post(api, {"sequence": "nurture", "step": first, "type": "sent"}).status_code == 202
    assert StepUsage.funnel(nurture)[first]["sent"] == 1


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"step": "no-such-step"}, "step"),
        ({"sequence": "hidden"}, "sequence"),
        ({"sequence": "draft"}, "sequence"),
        ({"sequence": None}, None),
        ({"script": 999999}, "script"),
    ],
)
def test_bad_step_events_store_nothing(api, nurture, outsider, xiaomei, change, loc):
    same_step = [day(1, "09:00", id=nurture.step_ids()[1])]
    SequenceFactory(persona=outsider, slug="hidden", steps=same_step)
    SequenceFactory(persona=xiaomei, slug="draft", publish=False, steps=same_step)
    good = {"sequence": "nurture", "step": nurture.step_ids()[1], "type": "sent"}
    bad = {k: v for k, v in (good | change).items() if v is not None}
    doc = assert_problem(post(api, good, bad), 422, "invalid_events")
    if loc:
        assert {e["loc"][-1] for e in doc["errors"]} == {loc}
    assert not ReportedEvent.objects.exists() and not StepUsage.objects.exists()
    assert body(api.get("sequences/nurture/"))["slug"] == "nurture"
