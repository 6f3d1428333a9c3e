"""The sequence editor: timeline with previews, checks of every step that block publishing,
duplicate, and camps on the calendar (band + fatigue)."""

from datetime import datetime, time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext
from wagtail.test.utils.form_data import nested_form_data, streamfield

from compliance import engine
from compliance.models import Override, text_hash
from sequences import checks, timeline
from sequences.enums import LOCAL_TZ, Timing
from sequences.models import Sequence, StepUsage
from tests.content.factories import ChatScriptFactory
from tests.editorial_calendar.factories import persona_on

from .factories import SequenceFactory, day, step

pytestmark = pytest.mark.django_db

BANNED = "这是全网最好用的方法"


def edit_url(sequence):
    return reverse("wagtailsnippets_sequences_sequence:edit", args=[sequence.pk])


@pytest.fixture
def xiaomei():
    return persona_on("wechat", "wechat_group", name="小美", slug="xiaomei")


def camp(persona, **kwargs):
    kwargs.setdefault("steps", [day(0, "09:00", title="开营"), day(2, "09:00", title="打卡")])
    return SequenceFactory(persona=persona, **kwargs)


def test_timeline_orders_every_kind_of_timing_by_time_and_marks_quiet_hours(xiaomei):
    start = datetime(2027, 3, 1, 10, 0, tzinfo=LOCAL_TZ)  # a Monday
    sequence = camp(
        xiaomei,
        start_at=start,
        quiet_start=time(22, 0),
        quiet_end=time(8, 0),
        steps=[
            day(3, "09:00", title="优惠提醒"),
            step(Timing.WEEKDAY, week=1, weekday=3, time_="20:00", title="周三直播"),
            step(Timing.AFTER, offset=30, unit="minutes", title="欢迎"),
            step(Timing.FIXED, at=datetime(2027, 3, 2, 23, 30), title="深夜通知"),
            day(0, "07:00", title="早安"),
        ],
    )
    rows = timeline.rows(sequence)
    assert [row.heading.split(" · ")[-1] for row in rows] == [
        "早安", "欢迎", "深夜通知", "周三直播", "优惠提醒",
    ]  # fmt: skip
    assert rows[-1].heading == "D3 09:00 · 优惠提醒" and rows[-1].day == 3
    assert rows[-1].label == rows[-1].heading and rows[1].label.startswith("D0 · ")
    assert rows[3].day == 2  # Wednesday of week 1
    late = rows[2]
    assert late.moved_to == datetime(2027, 3, 3, 8, 0, tzinfo=LOCAL_TZ)
    assert all(row.moved_to is None for row in rows if row is not late)
    assert rows[1].rendered_messages[0]["text"] == "早上好～"


def test_edit_page_shows_the_timeline_with_previews_and_the_findings(manager_client, xiaomei):
    script = ChatScriptFactory(persona=xiaomei, title="第三天优惠话术")
    sequence = camp(xiaomei, publish=False, steps=[day(3, script=script), day(0, "10:00")])
    sequence.steps = [*sequence.steps.raw_data, day(1, messages=[("text", BANNED)])]
    sequence.save_revision()  # the editor shows the latest revision
    page = manager_client.get(edit_url(sequence)).content.decode()
    assert page.index("D0 10:00") < page.index("D1 09:00") < page.index("D3 09:00")
    assert "早上好～" in page and "第三天优惠话术" in page
    assert 'class="sop-checks-step"' in page and "最好" in page
    assert f'data-step="{sequence.steps[2].id}"' in page


def test_the_timeline_shows_each_steps_funnel_from_bot_reports(manager_client, xiaomei):
    sequence = camp(xiaomei)
    first, second = (block.id for block in sequence.steps)
    StepUsage.add({(sequence.pk, first, "sent"): 200, (sequence.pk, first, "read"): 150,
                   (sequence.pk, first, "converted"): 12})  # fmt: skip
    page = manager_client.get(edit_url(sequence)).content.decode()
    reported = page[page.index(f'data-step="{first}"') :]
    silent = page[page.index(f'data-step="{second}"') :]
    sent = gettext("Sent %(sent)s → read %(read)s → converted %(converted)s")
    assert sent % {"sent": 200, "read": 150, "converted": 12} in reported.split("</li>")[0]
    assert "75%" in reported.split("</li>")[0] and "6%" in reported.split("</li>")[0]
    assert "sop-funnel" not in silent.split("</li>")[0]  # no reports yet: nothing shown


def step_form(day_n, text, title=""):
    return (
        "step",
        {
            "title": title, "timing": "day", "day": str(day_n), "time": "09:00", "offset": "",
            "unit": "hours", "week": "", "weekday": "", "at": "", "script": "",
            "messages": streamfield([("text", text)]), "condition": "",
        },
    )  # fmt: skip


def post_edit(client, sequence, action, *, name=None, steps=None):
    data = nested_form_data(
        {
            "name": name or sequence.name, "slug": sequence.slug,
            "persona": str(sequence.persona_id), "channel": sequence.channel,
            "description": "", "trigger": sequence.trigger, "custom_trigger": "",
            "quiet_start": "", "quiet_end": "", "start_at": "", "cycle_days": "",
            "exit_conditions": "", "variables": streamfield([]),
            "steps": streamfield(steps or [step_form(0, BANNED, "第一天")]),
        }
    )  # fmt: skip
    if action:
        data[action] = "1"
    return client.post(edit_url(sequence), data)


def test_publish_is_refused_with_the_steps_findings_and_nothing_is_lost(manager_client, xiaomei):
    sequence = camp(xiaomei, publish=False, steps=[day(0), day(1, messages=[("text", BANNED)])])
    problems = checks.publish_problems(sequence)
    assert any("最好" in problem for problem in problems)
    with pytest.raises(checks.NotPublishable):
        sequence.save_revision().publish()
    sequence.refresh_from_db()
    assert not sequence.live and len(sequence.steps) == 2


def test_an_accepted_finding_no_longer_blocks(manager, xiaomei):
    sequence = camp(xiaomei, publish=False, steps=[day(0, messages=[("text", BANNED)])])
    where = "steps.0.messages.0"
    hit = engine.check(BANNED, persona=xiaomei, channel=sequence.channel).findings[0]
    override = Override(
        where=where, text_hash=text_hash(BANNED), text=BANNED, rule=hit.rule, match=hit.match,
        message=hit.message, reason="引用用户原话", rule_version=engine.rule_version(),
        created_by=manager, created_by_name=manager.username,
    )  # fmt: skip
    override.content_type_id = ContentType.objects.get_for_model(Sequence).pk
    override.object_id = str(sequence.pk)
    override.save()
    assert checks.blocking(sequence) == []
    assert [f.accepted for f in checks.findings(sequence) if f.is_error] == [override]
    sequence.save_revision().publish()
    sequence.refresh_from_db()
    assert sequence.live


def test_a_linked_draft_script_and_an_undeclared_variable_are_findings(xiaomei):
    draft = ChatScriptFactory(persona=xiaomei, title="还没发布的话术", publish=False)
    sequence = camp(xiaomei, publish=False, steps=[day(0, script=draft)])
    sequence.steps = [*sequence.steps.raw_data, day(1, messages=[("text", "你好 {{nick}}")])]
    codes = {(checks.step_index(f), f.code) for f in checks.findings(sequence)}
    assert (0, "script_not_deliverable") in codes and (1, "variable_undeclared") in codes


def test_the_form_blocks_publish_but_saves_a_draft(manager_client, xiaomei):
    sequence = camp(xiaomei, publish=False, steps=[day(0, messages=[("text", BANNED)])])
    refused = post_edit(manager_client, sequence, "action-publish")
    assert refused.status_code == 200
    refusal = gettext("Cannot publish or submit: %(problem)s").split("%")[0]
    assert refusal in refused.content.decode() and "最好用" in refused.content.decode()
    sequence.refresh_from_db()
    assert not sequence.live
    saved = post_edit(manager_client, sequence, None, name="草稿改名")
    assert saved.status_code == 302
    sequence.refresh_from_db()
    assert sequence.latest_revision.as_object().name == "草稿改名" and not sequence.live


def test_duplicate_opens_a_draft_with_a_new_slug(manager_client, xiaomei):
    sequence = camp(xiaomei, slug="camp-21")
    url = reverse("wagtailsnippets_sequences_sequence:copy", args=[sequence.pk])
    form = manager_client.get(url).context["form"]
    assert form["slug"].value() == "camp-21-copy"
    assert sequence.name in form["name"].value()
    SequenceFactory(persona=xiaomei, slug="camp-21-copy")
    assert manager_client.get(url).context["form"]["slug"].value() == "camp-21-copy-2"
    assert Sequence.objects.get(pk=sequence.pk).slug == "camp-21"  # the original is untouched
    assert (
        manager_client.get(
            reverse("wagtailsnippets_sequences_sequence:copy", args=[99999])
        ).status_code
        == 404
    )


CAL = reverse("editorial_calendar:index")


def test_a_camp_is_a_band_and_its_steps_load_the_day(manager_client, xiaomei):
    start = datetime(2026, 11, 16, 8, 0, tzinfo=LOCAL_TZ)
    camp(
        xiaomei,
        name="21天减脂训练营",
        slug="camp",
        start_at=start,
        steps=[day(0, "09:00"), day(0, "12:00"), day(0, "20:00"), day(5, "09:00")],
    )
    page = manager_client.get(CAL, {"month": "2026-11"}).content.decode()
    assert page.count('data-sequence="camp"') == 1 and "21天减脂训练营" in page
    assert "⚠" + gettext("fatigue") in page  # 3 sends on 11-16, the limit is 2
    week = manager_client.get(CAL, {"view": "week", "week": "2026-11-23"}).content.decode()
    assert 'data-sequence="camp"' not in week  # the last step is on 11-21
    other = manager_client.get(CAL, {"month": "2026-11", "channel": "wechat_group"})
    assert 'data-sequence="camp"' not in other.content.decode()


def test_camps_cost_one_query_whatever_their_number(manager_client, xiaomei):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = datetime(2026, 11, 2, 8, 0, tzinfo=LOCAL_TZ)
    camp(xiaomei, start_at=start)
    with CaptureQueriesContext(connection) as one:
        manager_client.get(CAL, {"month": "2026-11"})
    script = ChatScriptFactory(persona=xiaomei)
    for n in range(5):
        camp(xiaomei, start_at=start, steps=[day(n, script=script)])
    with CaptureQueriesContext(connection) as six:
        page = manager_client.get(CAL, {"month": "2026-11"}).content.decode()
    assert page.count("data-sequence=") == 6 and len(six) == len(one)


def test_approval_from_the_dashboard_is_refused_with_the_findings(
    client, copywriter, manager, xiaomei
):
    from django.contrib.messages import get_messages
    from wagtail.models import WorkflowState

    sequence = camp(xiaomei, publish=False, steps=[day(0, messages=[("text", BANNED)])])
    sequence.get_workflow().start(sequence, copywriter)  # submitted before a rule existed
    state = WorkflowState.objects.for_instance(sequence).get()
    client.force_login(manager)
    response = client.post(
        reverse(
            "wagtailsnippets_sequences_sequence:workflow_action",
            args=[sequence.pk, "approve", state.current_task_state.pk],
        )
    )
    assert response.status_code == 302
    sequence.refresh_from_db()
    assert not sequence.live
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "最好用" in shown and "D0 09:00" in shown


def test_the_checks_read_a_script_once_however_many_steps_send_it(
    xiaomei, django_assert_num_queries
):
    live = ChatScriptFactory(persona=xiaomei, title="每周直播")
    draft = ChatScriptFactory(persona=xiaomei, title="还没发布的话术", publish=False)
    steps = [day(n, script=live) for n in range(6)] + [day(7, script=draft)]
    sequence = camp(xiaomei, publish=False, steps=steps)
    sequence = Sequence.objects.get(pk=sequence.pk)
    list(sequence.steps)  # the steps' scripts are loaded with the stream (one query)
    checks.findings(sequence)  # warms what does not depend on the steps (the rules)
    with django_assert_num_queries(3):  # the overrides, then each linked script's publication
        found = checks.findings(sequence)
    assert [(checks.step_index(f), f.code) for f in found] == [(6, "script_not_deliverable")]
