"""Who may do what in the admin, asked over HTTP as each role.

The expected matrix is written out here (the product's decision, not read back from the
database): copywriters write content and submit it; managers also publish, approve and delete;
rules, hot topics, segments and pauses are managers' to change; bot clients and webhooks are
for administrators only (superusers); anonymous visitors are sent to the login page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from bots.models import BotClient, Webhook
from compliance.models import Rule, RulePack
from editorial_calendar.models import CalendarPause, SensitiveDate
from personas.models import AudienceSegment
from tests.content.factories import (
    ChatScriptFactory,
    GroupScriptFactory,
    LivestreamScriptFactory,
    MomentScriptFactory,
)
from tests.editorial_calendar.factories import CalendarEntryFactory, HotTopicFactory
from tests.personas.factories import PersonaFactory

pytestmark = pytest.mark.django_db

L, E, D, P = "list", "edit", "delete", "publish"
NOTHING: set[str] = set()
#: label → (what a copywriter may do, what a manager may do)
MATRIX = {
    "personas.persona": ({L, E}, {L, E, D, P}),
    "content.momentscript": ({L, E}, {L, E, D, P}),
    "content.groupscript": ({L, E}, {L, E, D, P}),
    "content.livestreamscript": ({L, E}, {L, E, D, P}),
    "content.chatscript": ({L, E}, {L, E, D, P}),
    "personas.audiencesegment": ({L}, {L, E, D}),
    "editorial_calendar.hottopic": ({L}, {L, E, D}),
    "editorial_calendar.calendarentry": ({L, E}, {L, E, D}),
    "editorial_calendar.sensitivedate": ({L}, {L, E, D}),
    "editorial_calendar.calendarpause": ({L}, {L, E}),
    "compliance.rule": ({L}, {L, E, D}),
    "compliance.rulepack": ({L}, {L, E, D}),
    "bots.botclient": (NOTHING, NOTHING),
    "bots.webhook": (NOTHING, NOTHING),
}
SCRIPT_FACTORIES = {
    "content.momentscript": MomentScriptFactory,
    "content.groupscript": GroupScriptFactory,
    "content.livestreamscript": LivestreamScriptFactory,
    "content.chatscript": ChatScriptFactory,
}


def _object(label: str):
    if label in SCRIPT_FACTORIES:
        return SCRIPT_FACTORIES[label]()
    today = date.today()
    make = {
        "personas.persona": PersonaFactory,
        "personas.audiencesegment": lambda: AudienceSegment.objects.order_by("pk").first(),
        "editorial_calendar.hottopic": HotTopicFactory,
        "editorial_calendar.calendarentry": CalendarEntryFactory,
        "editorial_calendar.sensitivedate": lambda: SensitiveDate.objects.create(
            name="测试敏感日", month=6, day=4, rule="avoid"
        ),
        "editorial_calendar.calendarpause": lambda: CalendarPause.objects.create(
            start=today + timedelta(days=3), end=today + timedelta(days=4), reason="系统维护"
        ),
        "compliance.rule": lambda: Rule.objects.order_by("pk").first(),
        "compliance.rulepack": lambda: RulePack.objects.order_by("pk").first(),
        "bots.botclient": lambda: BotClient.create("矩阵", all_personas=True)[0],
        "bots.webhook": lambda: Webhook.objects.create(
            client=BotClient.create("矩阵钩子", all_personas=True)[0],
            url="https://hooks.example.com/x",
            secret="s" * 32,
        ),
    }[label]
    return make()


def _urls(label: str, obj) -> dict[str, str]:
    if label.startswith("bots."):
        namespace = "bots_" + label.split(".")[1]
        return {
            L: reverse(f"{namespace}:index"),
            E: reverse(f"{namespace}:edit", args=[obj.pk]),
            D: reverse(f"{namespace}:delete", args=[obj.pk]),
        }
    viewset = type(obj)._meta.apps.get_model(label).snippet_viewset
    return {
        L: reverse(viewset.get_url_name("list")),
        E: reverse(viewset.get_url_name("edit"), args=[obj.pk]),
        D: reverse(viewset.get_url_name("delete"), args=[obj.pk]),
    }


def _may(client, urls: dict[str, str]) -> set[str]:
    allowed = set()
    for action, url in urls.items():
        response = client.get(url)
        assert response.status_code in {200, 302, 403}, (url, response.status_code)
        if response.status_code == 200:
            allowed.add(action)
            if action == E and b'name="action-publish"' in response.content:
                allowed.add(P)
    return allowed


@pytest.mark.parametrize("label", sorted(MATRIX))
def test_each_role_may_do_exactly_what_the_matrix_says(label, client, make_user):
    from core import roles

    obj = _object(label)
    assert obj is not None  # seeded rows (rules, packs, segments) come from migrations
    urls = _urls(label, obj)
    copywriter_may, manager_may = MATRIX[label]

    for path in (urls[E], urls[D]):  # anonymous: the login page, never the view
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path

    client.force_login(make_user("cw", roles.COPYWRITERS))
    assert _may(client, urls) == copywriter_may
    client.force_login(make_user("mgr", roles.MANAGERS))
    assert _may(client, urls) == manager_may
    if not manager_may:  # administrators' only: reachable by them
        client.force_login(make_user("root", superuser=True))
        assert {L, E, D} <= _may(client, urls)


@pytest.mark.parametrize("label", ["personas.persona", *SCRIPT_FACTORIES])
def test_only_managers_approve_in_the_moderation_workflow(label, client, make_user):
    from core import roles

    copywriter = make_user("cw", roles.COPYWRITERS)
    manager = make_user("mgr", roles.MANAGERS)
    obj = _object(label)
    model = type(obj)._meta.apps.get_model(label)
    obj = model.objects.get(pk=obj.pk)
    obj.save_revision(user=copywriter)
    workflow_state = obj.get_workflow().start(obj, copywriter)
    task_state = workflow_state.current_task_state
    url = reverse(
        model.snippet_viewset.get_url_name("workflow_action"),
        args=[obj.pk, "approve", task_state.pk],
    )
    client.force_login(copywriter)
    response = client.post(url, {"comment": ""})
    assert response.status_code in {302, 403}
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS

    client.force_login(manager)
    response = client.post(url, {"comment": ""})
    assert response.status_code in {200, 302}
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_APPROVED


def test_only_managers_review_calendar_entries(client, make_user):
    from core import roles

    entry = CalendarEntryFactory(status="in_review")
    url = reverse("editorial_calendar:review", args=[entry.pk])
    response = client.post(url, {"action": "approve"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(make_user("cw", roles.COPYWRITERS))
    assert client.post(url, {"action": "send_back"}).status_code in {302, 403}
    entry.refresh_from_db()
    assert entry.status == "in_review"
    client.force_login(make_user("mgr", roles.MANAGERS))
    client.post(url, {"action": "send_back", "comment": "标题再改改"})
    entry.refresh_from_db()
    assert entry.status == "drafting"
