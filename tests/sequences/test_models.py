from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from sequences import checks
from sequences.checks import NotPublishable
from sequences.enums import Timing
from sequences.models import Sequence, StepUsage
from tests.content.factories import ChatScriptFactory, variable
from tests.personas.factories import PersonaFactory

from .factories import SequenceFactory, day, step
from .test_admin import edit_url

pytestmark = pytest.mark.django_db


def built(**kwargs) -> Sequence:
    """An unsaved sequence of a saved persona."""
    kwargs.setdefault("persona", PersonaFactory())
    return SequenceFactory.build(**kwargs)


def errors_of(sequence) -> dict:
    with pytest.raises(ValidationError) as caught:
        sequence.full_clean()
    return caught.value.message_dict


def test_step_ids_survive_reorder_and_revisions():
    sequence = SequenceFactory()
    first, second = sequence.step_ids()
    sequence.steps = [sequence.steps.raw_data[1], sequence.steps.raw_data[0]]
    sequence.save_revision().publish()
    sequence.refresh_from_db()
    assert sequence.step_ids() == [second, first]
    assert sequence.live_revision.as_object().step_ids() == [second, first]


def test_a_5000_day_offset_is_refused():
    sequence = built(steps=[day(5000)])
    assert "steps" in errors_of(sequence)
    hours = built(steps=[step(Timing.AFTER, offset=5000 * 24)])
    assert "steps" in errors_of(hours)


def test_a_step_after_the_cycle_is_refused():
    sequence = built(cycle_days=21, steps=[day(0), day(21)])
    assert any("21" in message for message in errors_of(sequence)["steps"])
    built(cycle_days=21, steps=[day(0), day(20)]).full_clean()


def test_a_step_quiet_hours_move_past_the_cycle_is_refused_without_a_fixed_start_too():
    quiet = {"quiet_start": time(22, 0), "quiet_end": time(8, 0), "cycle_days": 3}
    late = built(**quiet, steps=[day(0), day(2, "23:00", title="晚安")])
    [message] = errors_of(late)["steps"]
    assert "晚安" in message and "D3 08:00" in message
    built(**quiet, steps=[day(0), day(2, "21:00")]).full_clean()  # inside: nothing moves it
    # A Sunday 23:00 in week 1 is day 6 for a member starting on a Monday: moved to D7.
    sunday = built(**{**quiet, "cycle_days": 7},
                   steps=[step(Timing.WEEKDAY, week=1, weekday=7, time_="23:00")])  # fmt: skip
    assert "D7 08:00" in errors_of(sunday)["steps"][0]
    hours = built(**{**quiet, "cycle_days": 2}, steps=[step(Timing.AFTER, offset=47)])
    assert "D2 08:00" in errors_of(hours)["steps"][0]
    built(**{**quiet, "cycle_days": 2}, steps=[step(Timing.AFTER, offset=21)]).full_clean()


def test_quiet_hours_that_leave_no_time_are_refused():
    sequence = built(quiet_start=time(0, 0), quiet_end=time(0, 0))
    assert "quiet_end" in errors_of(sequence)
    half = built(quiet_start=time(22, 0))
    assert "quiet_end" in errors_of(half)


def test_a_step_needs_a_script_or_messages_and_its_timing():
    sequence = built(steps=[step(Timing.DAY, day=1, messages=[])])
    assert "steps" in errors_of(sequence)


def test_custom_trigger_needs_its_label():
    sequence = built(trigger="custom")
    assert "custom_trigger" in errors_of(sequence)


def test_publish_refused_while_a_step_sends_an_unpublished_script():
    script = ChatScriptFactory(publish=False)
    sequence = SequenceFactory(persona=script.persona, steps=[day(0, script=script)], publish=False)
    sequence.full_clean()
    with pytest.raises(NotPublishable):
        sequence.save_revision().publish()
    assert not Sequence.objects.get(pk=sequence.pk).live


def test_a_script_of_another_persona_is_refused():
    script = ChatScriptFactory()
    sequence = built(persona=PersonaFactory(), steps=[day(0, script=script)])
    assert "steps" in errors_of(sequence)


def test_a_declared_default_is_checked_like_the_steps_and_blocks_publishing(manager_client):
    sequence = SequenceFactory(
        publish=False,
        variables=[variable("gift", required=False, default="集赞满20个的宝子")],
        steps=[day(0, messages=[("text", "早上好～{{gift}}看这里")])],
    )
    sequence.full_clean()  # the default is no step text: no variable problem
    (finding,) = checks.blocking(sequence)
    assert (finding.where, finding.term) == ("variables.gift.default", "集赞")
    assert checks.step_index(finding) is None
    assert "gift" in checks.describe(finding, sequence)
    page = manager_client.get(edit_url(sequence)).content.decode()
    assert gettext("Variable defaults") in page and "集赞满20个的宝子" in page  # the 检查 tab
    with pytest.raises(NotPublishable):
        sequence.save_revision().publish()


def test_step_usage_adds_per_step():
    sequence = SequenceFactory()
    first = sequence.step_ids()[0]
    StepUsage.add({(sequence.pk, first, "sent"): 3, (sequence.pk, first, "read"): 2})
    StepUsage.add({(sequence.pk, first, "sent"): 1})
    assert StepUsage.funnel(sequence)[first]["sent"] == 4
    assert StepUsage.funnel(sequence)[first]["read"] == 2


def test_the_snippet_editor_opens(manager_client):
    sequence = SequenceFactory()
    assert manager_client.get("/admin/snippets/sequences/sequence/add/").status_code == 200
    edit = manager_client.get(f"/admin/snippets/sequences/sequence/edit/{sequence.pk}/")
    assert edit.status_code == 200


def test_the_editor_refuses_to_publish_with_an_unpublished_script(manager_client):
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    script = ChatScriptFactory(publish=False)
    sequence = SequenceFactory(persona=script.persona, steps=[day(0)], publish=False)
    step = {"title": "打招呼", "timing": "day", "day": "0", "time": "10:00", "offset": "",
            "unit": "hours", "week": "", "weekday": "", "at": "", "script": str(script.pk),
            "messages": streamfield([]), "condition": ""}  # fmt: skip
    data = nested_form_data({
        "name": sequence.name, "slug": sequence.slug, "persona": sequence.persona_id,
        "channel": "wechat", "description": "", "trigger": "friend_added",
        "custom_trigger": "", "quiet_start": "", "quiet_end": "", "start_at": "",
        "cycle_days": "", "exit_conditions": "", "variables": streamfield([]),
        "steps": streamfield([("step", step)]), "action-publish": "publish",
    })  # fmt: skip
    url = f"/admin/snippets/sequences/sequence/edit/{sequence.pk}/"
    response = manager_client.post(url, data)
    assert response.status_code == 200
    from django.utils.translation import gettext

    refusal = gettext("Cannot publish or submit: %(problem)s").split("%")[0]
    assert refusal in response.content.decode()
    assert not Sequence.objects.get(pk=sequence.pk).live
