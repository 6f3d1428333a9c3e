"""The manager's cockpit and the copywriter's home on Wagtail's dashboard."""

from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState

from bots.models import BotClient, ReportedEvent
from content.models import MomentScript
from editorial_calendar.models import CalendarEntry
from tests.content.factories import MomentScriptFactory
from tests.editorial_calendar.factories import CalendarEntryFactory, HotTopicFactory, persona_on

pytestmark = pytest.mark.django_db

HOME = "/admin/"
REVIEW = "/admin/cockpit/review/"
WEEK = "/admin/cockpit/week/"


@pytest.fixture
def persona():
    return persona_on("wechat", name="小美", slug="xiaomei", address_terms=["宝子们"])


def submitted(persona, user, title="会员日预热", text="宝子们，会员日福利来啦"):
    script = MomentScriptFactory(
        persona=persona, title=title, messages=[("text", text)], publish=False
    )
    script.get_workflow().start(script, user)
    return script


def in_review(persona, script=None, day=None, title="会员日朋友圈", owner=None):
    return CalendarEntryFactory(
        persona=persona, channel="wechat", title=title, script=script, status="in_review",
        date=day or timezone.localdate() + timedelta(days=2), owner=owner,
    )  # fmt: skip


def test_manager_home_is_the_cockpit_without_wagtails_site_summary(
    manager_client, persona, copywriter
):
    script = submitted(persona, copywriter)
    in_review(persona, script)
    lone = submitted(persona, copywriter, title="单独待审话术")
    page = manager_client.get(HOME).content.decode()
    assert 'id="cockpit-review-section"' in page and 'id="cockpit-gaps-section"' in page
    assert 'id="cockpit-fatigue-section"' in page and 'id="cockpit-performance-section"' in page
    assert f'data-cockpit-item="script:{lone.pk}"' in page
    assert f'data-cockpit-item="script:{script.pk}"' not in page  # approved with its entry
    assert "会员日福利来啦" in page  # the excerpt of the content
    assert "w-summary" not in page  # Wagtail's "N pages / N images"
    assert "cockpit/vendor/plotly.min.js" in page


def test_one_approval_approves_the_slot_and_its_script(manager_client, persona, copywriter):
    script = submitted(persona, copywriter)
    entry = in_review(persona, script)
    response = manager_client.post(REVIEW, {"item": f"entry:{entry.pk}", "action": "approve"})
    assert response.status_code == 302
    entry.refresh_from_db()
    script.refresh_from_db()
    assert entry.status == "approved" and script.live and not script.workflow_in_progress


def test_one_approval_refuses_a_script_with_compliance_errors_and_changes_nothing(
    manager_client, persona, copywriter
):
    script = submitted(persona, copywriter, text="宝子们，全网最好的面霜")
    entry = in_review(persona, script)
    response = manager_client.post(
        REVIEW, {"item": f"entry:{entry.pk}", "action": "approve"}, follow=True
    )
    assert "最好" in response.content.decode()  # the finding is named
    entry.refresh_from_db()
    script.refresh_from_db()
    assert entry.status == "in_review" and not script.live and script.workflow_in_progress


def test_the_calendar_review_also_approves_the_waiting_script(manager_client, persona, copywriter):
    script = submitted(persona, copywriter)
    entry = in_review(persona, script)
    manager_client.post(
        reverse("editorial_calendar:review", args=[entry.pk]), {"action": "approve"}
    )
    entry.refresh_from_db()
    script.refresh_from_db()
    assert entry.status == "approved" and script.live


def test_sending_back_needs_a_comment_and_the_copywriter_sees_it(
    client, manager, copywriter, persona
):
    script = submitted(persona, copywriter)
    entry = in_review(persona, script, owner=copywriter)
    client.force_login(manager)
    client.post(REVIEW, {"item": f"entry:{entry.pk}", "action": "send_back", "comment": "  "})
    entry.refresh_from_db()
    assert entry.status == "in_review"  # refused: nothing changed
    client.post(
        REVIEW, {"item": f"entry:{entry.pk}", "action": "send_back", "comment": "标题再活泼一点"}
    )
    entry.refresh_from_db()
    assert entry.status == "drafting" and entry.review_comment == "标题再活泼一点"
    state = WorkflowState.objects.get(object_id=str(script.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    client.force_login(copywriter)
    home = client.get(HOME).content.decode()
    assert "标题再活泼一点" in home and 'id="cockpit-review-section"' not in home
    editor = client.get(
        reverse("wagtailsnippets_content_momentscript:edit", args=[script.pk])
    ).content.decode()
    assert "标题再活泼一点" in editor


def test_a_lone_script_is_sent_back_through_wagtails_workflow(manager_client, persona, copywriter):
    script = submitted(persona, copywriter)
    manager_client.post(
        REVIEW, {"item": f"script:{script.pk}", "action": "send_back", "comment": "少用感叹号"}
    )
    state = WorkflowState.objects.get(object_id=str(script.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "少用感叹号"


def test_approve_a_personas_week_all_or_nothing(manager_client, persona, copywriter):
    monday = (
        timezone.localdate() - timedelta(days=timezone.localdate().weekday()) + timedelta(days=7)
    )
    good = in_review(persona, submitted(persona, copywriter), day=monday, title="周一")
    bad_script = submitted(persona, copywriter, title="违规", text="宝子们，全网最好的面霜")
    bad = in_review(persona, bad_script, day=monday + timedelta(days=2), title="周三")
    data = {"persona": persona.pk, "week": monday.isoformat()}
    page = manager_client.post(WEEK, data, follow=True).content.decode()
    assert "周三" in page  # the reason names the failing item
    assert set(CalendarEntry.objects.values_list("status", flat=True)) == {"in_review"}
    bad.delete()
    manager_client.post(WEEK, data)
    good.refresh_from_db()
    assert good.status == "approved" and good.script.live


def test_copywriters_may_not_review_and_bad_input_is_a_clear_error(
    client, copywriter, manager, persona
):
    entry = in_review(persona)
    client.force_login(copywriter)
    refused = client.post(REVIEW, {"item": f"entry:{entry.pk}", "action": "approve"})
    assert refused.status_code in (302, 403) and refused.get("Location", "/admin/") == "/admin/"
    refused = client.post(WEEK, {"persona": persona.pk, "week": "2026-12-07"})
    assert refused.status_code in (302, 403)
    entry.refresh_from_db()
    assert entry.status == "in_review"
    client.force_login(manager)
    page = client.post(REVIEW, {"item": "nonsense", "action": "approve"}, follow=True)
    assert page.status_code == 200
    page = client.post(WEEK, {"persona": "x", "week": "2026-13-01"}, follow=True)
    assert page.status_code == 200
    entry.refresh_from_db()
    assert entry.status == "in_review"


def test_gaps_and_fatigue_panels(manager_client, persona):
    today = timezone.localdate()
    HotTopicFactory(name="腊八节", slug="laba", start=today + timedelta(days=10),
                    end=today + timedelta(days=10))  # fmt: skip
    for n in range(3):  # the limit is 2 a day
        CalendarEntryFactory(persona=persona, channel="wechat", date=today + timedelta(days=3),
                             status="drafting", title=f"推送{n}")  # fmt: skip
    page = manager_client.get(HOME).content.decode()
    assert 'data-cockpit-gap="腊八节"' in page
    assert f'data-cockpit-fatigue="{(today + timedelta(days=3)).isoformat()}"' in page


def test_performance_from_reported_events(manager_client, persona):
    script = MomentScriptFactory(persona=persona, title="爆款话术")
    client, _token = BotClient.create("bot", all_personas=True)
    now = timezone.now()
    for event_type, count in (("sent", 40), ("read", 30), ("clicked", 12), ("converted", 6)):
        ReportedEvent.objects.create(client=client, script_id=script.pk, type=event_type,
                                     count=count, occurred_at=now, channel="wechat")  # fmt: skip
    page = manager_client.get(HOME + "?days=30").content.decode()
    assert "cockpit-chart-data" in page and "爆款话术" in page
    assert "<td>40</td>" in page and "15%" in page  # the table for accessibility
    assert finders.find("cockpit/vendor/plotly.min.js")


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_the_cockpit_queries_do_not_grow_with_the_items(manager_client, persona, copywriter):
    def add(n):
        for i in range(n):
            script = submitted(persona, copywriter, title=f"话术{i}")
            in_review(persona, script, title=f"排期{i}")
            submitted(persona, copywriter, title=f"单独{i}")
            CalendarEntryFactory(persona=persona, channel="wechat", status="drafting",
                                 date=timezone.localdate() + timedelta(days=i % 14))  # fmt: skip

    add(3)
    _home_queries(manager_client)  # warm caches (content types, rule version)
    few = _home_queries(manager_client)
    add(27)
    assert _home_queries(manager_client) == few


def test_the_queue_pages_through_every_waiting_item_oldest_first(
    manager_client, persona, copywriter, monkeypatch
):
    from cockpit import queue

    monkeypatch.setattr(queue, "SHOWN", 3)
    items = []
    for i in range(4):  # entries and lone scripts interleaved in waiting order
        items.append(("entry", in_review(persona, title=f"排期{i}").pk))
        items.append(("script", submitted(persona, copywriter, title=f"单独{i}").pk))
    # waiting order: the lone scripts by their task start, the entries by their last change
    for n, (kind, pk) in enumerate(items):
        moment = timezone.now() - timedelta(hours=100 - n)
        if kind == "entry":
            CalendarEntry.objects.filter(pk=pk).update(updated_at=moment)
        else:
            state = WorkflowState.objects.get(object_id=str(pk))
            type(state.current_task_state).objects.filter(pk=state.current_task_state_id).update(
                started_at=moment
            )

    def page(number=None):
        html = manager_client.get(HOME, {"queue_page": number} if number else {}).content
        html = html.decode()
        keys = [f"{kind}:{pk}" for kind, pk in items if f'data-cockpit-item="{kind}:{pk}"' in html]
        return keys, html

    expected = [f"{kind}:{pk}" for kind, pk in items]
    first, html = page()
    assert first == expected[:3] and "第 1 / 3 页" in html and "下一页" in html
    assert "上一页" not in html
    assert page(2)[0] == expected[3:6]
    last, html = page(3)
    assert last == expected[6:] and "第 3 / 3 页" in html and "下一页" not in html
    assert page(99)[0] == expected[6:]  # past the end (approved meanwhile): the last page
    assert page("abc")[0] == expected[:3]  # a bad number: the first page, no error


def test_copywriter_home_lists_drafts_with_level_and_due_entries(
    copywriter_client, copywriter, persona
):
    draft = MomentScriptFactory(persona=persona, title="我的草稿", publish=False)
    draft.save_revision(user=copywriter)
    CalendarEntryFactory(persona=persona, title="周五直播预告", owner=copywriter, status="drafting",
                         date=timezone.localdate() + timedelta(days=3))  # fmt: skip
    page = copywriter_client.get(HOME).content.decode()
    assert 'data-cockpit-draft="我的草稿"' in page and "cockpit-level--ok" in page
    assert 'data-cockpit-due="周五直播预告"' in page
    assert MomentScript.objects.get(pk=draft.pk).compliance_level == "ok"
