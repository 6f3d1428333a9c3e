"""A sequence's steps hand out only what /scripts/{id}/ would: a step's script of another
persona (moved there after the sequence was published) or one the bot cannot see (unpublished,
then edited as a draft) is neither named nor sent, in the detail, in `due` and in MCP's sop_due."""

from datetime import datetime, timedelta

import pytest
from django.test import RequestFactory

from content.models import Script
from core import generation
from integrations import mcp
from sequences.enums import LOCAL_TZ
from tests.content.factories import ChatScriptFactory
from tests.sequences.factories import SequenceFactory, day

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db
START = datetime(2027, 3, 1, 0, 0, tzinfo=LOCAL_TZ)
DUE = {"started_at": START.isoformat(), "now": (START + timedelta(hours=20)).isoformat()}
MISSING = {"script": None, "available": False, "reason": "script_missing", "messages": []}


def step_of(data):
    return {key: data[key] for key in ("script", "available", "reason", "messages")}


def test_a_step_whose_script_moved_to_another_persona_sends_nothing(api, bot, xiaomei, outsider):
    script = ChatScriptFactory(persona=xiaomei, title="外人的秘密", messages=[("text", "外人文案")])
    SequenceFactory(persona=xiaomei, slug="s", steps=[day(0, "10:00", script=script)])
    assert body(api.get("sequences/s/"))["steps"][0]["available"]
    # The script is given to a persona the bot may not read (the script form does not know
    # which sequences send it; a direct database change says so with a bump).
    Script.objects.filter(pk=script.pk).update(persona=outsider)
    generation.bump()
    assert_problem(api.get(f"scripts/{script.pk}/"), 404)
    for response in (api.get("sequences/s/"), api.get("sequences/s/due", DUE)):
        assert response.status_code == 200, response.content
        assert "外人".encode() not in response.content
        assert step_of(body(response)["steps"][0]) == MISSING
    request = RequestFactory().post("/mcp")
    request.auth = bot
    result = mcp.call(request, "sop_due", {"sequence": "s", **DUE})
    assert not result.is_error and step_of(result.structured_content["steps"][0]) == MISSING


def test_a_step_does_not_name_a_script_unpublished_and_edited_as_a_draft(api, xiaomei):
    script = ChatScriptFactory(persona=xiaomei, title="会员日", messages=[("text", "会员日快乐")])
    SequenceFactory(persona=xiaomei, slug="s", steps=[day(0, "10:00", script=script)])
    script.unpublish()
    # The admin saves the edits of an object that is not live to its row (Wagtail's edit view).
    script = Script.objects.get(pk=script.pk).as_kind()
    script.title = "草稿：内部底价 99 元"
    script.save()
    script.save_revision()
    for response in (api.get("sequences/s/"), api.get("sequences/s/due", DUE)):
        assert response.status_code == 200, response.content
        assert "草稿".encode() not in response.content
        steps = body(response)["steps"]
        assert step_of(steps[0]) == MISSING | {"reason": "script_unpublished"}


def test_a_step_event_does_not_count_on_a_script_moved_to_another_persona(api, xiaomei, outsider):
    """The step's funnel counts it; the script's totals (another persona's, which this bot may
    not read) do not, as `due` no longer sends that script."""
    from bots.models import ReportedEvent
    from content.models import ScriptUsage
    from sequences.models import StepUsage

    script = ChatScriptFactory(persona=xiaomei)
    sequence = SequenceFactory(persona=xiaomei, slug="s", steps=[day(0, "10:00", script=script)])
    Script.objects.filter(pk=script.pk).update(persona=outsider)
    generation.bump()
    (step,) = sequence.step_ids()
    response = api.post("events/", {"events": [{"sequence": "s", "step": step, "type": "sent"}]})
    assert response.status_code == 202, response.content
    assert StepUsage.funnel(sequence)[step]["sent"] == 1
    assert not ScriptUsage.objects.filter(script_id=script.pk).exists()
    assert ReportedEvent.objects.get().script_id is None


def test_a_step_event_whose_script_was_deleted_counts_on_the_step_only(api, xiaomei):
    """A step still naming a deleted script: the event is the step's (its script's totals would
    point at no script, which the database refuses when the request commits)."""
    from django.db import connection

    from sequences.models import StepUsage

    script = ChatScriptFactory(persona=xiaomei)
    sequence = SequenceFactory(persona=xiaomei, slug="s", steps=[day(0, "10:00", script=script)])
    Script.objects.filter(pk=script.pk).delete()
    (step,) = sequence.step_ids()
    response = api.post("events/", {"events": [{"sequence": "s", "step": step, "type": "sent"}]})
    assert response.status_code == 202, response.content
    connection.check_constraints()  # what the commit would check
    assert StepUsage.funnel(sequence)[step]["sent"] == 1
