"""The admin's one search (home box, sidebar): every kind of thing, drafts with their status,
Traditional finds Simplified, filters, and only what the user may view."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.translation import gettext

from search.admin_views import STATUS_LABELS
from tests.content.factories import ChatScriptFactory, MomentScriptFactory
from tests.editorial_calendar.factories import CalendarEntryFactory, HotTopicFactory
from tests.personas.factories import PersonaFactory

pytestmark = pytest.mark.django_db
URL = "/admin/find/"


def results(response):
    return [(hit["type"], str(hit["title"]).replace("<mark>", "").replace("</mark>", ""))
            for hit in response.context["results"]]  # fmt: skip


@pytest.fixture
def world():
    xiaomei = PersonaFactory(slug="xiaomei", name="小美", positioning="会员日福利官")
    draft = MomentScriptFactory(
        persona=xiaomei,
        title="会员日早鸟预告",
        messages=[("text", "会员日当天满减")],
        publish=False,
    )
    live = ChatScriptFactory(persona=xiaomei, title="会员日问答", triggers=["会员日"])
    topic = HotTopicFactory(name="会员日", slug="member-day", description="每月会员日")
    entry = CalendarEntryFactory(persona=xiaomei, title="会员日朋友圈排期")
    other = PersonaFactory(slug="ajie", name="阿杰")
    MomentScriptFactory(persona=other, title="阿杰的会员日")
    return {"persona": xiaomei, "draft": draft, "live": live, "topic": topic, "entry": entry}


def test_traditional_query_finds_every_kind_with_status_and_editor_links(copywriter_client, world):
    response = copywriter_client.get(URL, {"q": "會員日"})
    assert response.status_code == 200
    found = results(response)
    assert ("script", "会员日早鸟预告") in found
    assert ("script", "会员日问答") in found
    assert ("hot_topic", "会员日") in found
    assert ("calendar_entry", "会员日朋友圈排期") in found
    assert ("persona", "小美") in found
    by_title = {str(h["title"]).replace("<mark>", "").replace("</mark>", ""): h
                for h in response.context["results"]}  # fmt: skip
    draft = by_title["会员日早鸟预告"]
    assert draft["status"] == "draft" and draft["status_label"] == STATUS_LABELS["draft"]
    assert draft["url"] == reverse(
        "wagtailsnippets_content_momentscript:edit", args=[world["draft"].pk]
    )
    assert by_title["会员日问答"]["status"] == "live"
    assert "<mark>" in str(draft["title"])  # highlighted
    html = response.content.decode()
    assert draft["url"] in html and "<mark>会员</mark>" in html or "<mark>会员日</mark>" in html


def test_filters_by_kind_persona_and_status(copywriter_client, world):
    moments = results(copywriter_client.get(URL, {"q": "会员日", "kind": "script:moment"}))
    assert {t for t, _title in moments} == {"script"}
    assert ("script", "会员日问答") not in moments  # a chat reply
    mine = results(copywriter_client.get(URL, {"q": "会员日", "persona": world["persona"].pk}))
    assert ("script", "阿杰的会员日") not in mine and ("script", "会员日问答") in mine
    assert ("hot_topic", "会员日") not in mine  # not a persona's own
    drafts = results(copywriter_client.get(URL, {"q": "会员日", "status": "draft"}))
    assert drafts == [("script", "会员日早鸟预告")]
    topics = results(copywriter_client.get(URL, {"q": "会员日", "kind": "hot_topic"}))
    assert topics == [("hot_topic", "会员日")]


def test_only_what_the_user_may_view(client, make_user, world):
    """A user allowed only chat replies finds no moments, personas, topics or entries."""
    user = make_user("chatonly")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_chatscript"),
    )
    client.force_login(user)
    assert results(client.get(URL, {"q": "会员日"})) == [("script", "会员日问答")]
    # asking for a kind the user may not view finds nothing, no error
    assert results(client.get(URL, {"q": "会员日", "kind": "script:moment"})) == []


def test_bots_never_find_calendar_entries(world):
    from search.query import search

    assert "calendar_entry" not in {hit.type for hit in search("会员日", live_only=False)}


def test_bad_and_empty_queries(copywriter_client, world):
    response = copywriter_client.get(URL, {"q": "会" * 201})
    assert response.status_code == 200 and response.context["error"]
    assert response.context["results"] is None
    empty = copywriter_client.get(URL)
    assert empty.status_code == 200 and empty.context["results"] is None
    assert copywriter_client.get(URL, {"q": "会员日", "kind": "nonsense"}).context[
        "results"] is None  # an unknown choice: the form shows its error  # fmt: skip


def test_home_box_and_sidebar_lead_to_it(copywriter_client, manager_client):
    for client in (copywriter_client, manager_client):
        home = client.get("/admin/").content.decode()
        assert f'action="{URL}"' in home
        assert f'"wagtail.sidebar.SearchModule", "_args": ["{URL}"]' in home  # the sidebar
    assert gettext("Search") in copywriter_client.get(URL).content.decode()


LISTS = {
    "personas_persona": "小美",
    "content_momentscript": "会员日早鸟预告",
    "content_chatscript": "会员日问答",
    "editorial_calendar_hottopic": "会员日",
    "editorial_calendar_calendarentry": "会员日朋友圈排期",
}


def test_every_list_search_box_uses_the_same_analysis(manager_client, world):
    """會員日 (Traditional) finds 会员日 in each list's own search box."""
    for viewset, title in LISTS.items():
        url = reverse(f"wagtailsnippets_{viewset}:list")
        response = manager_client.get(url, {"q": "會員日"})
        assert response.status_code == 200, viewset
        assert title in response.content.decode(), viewset


def test_rule_and_segment_lists_search_in_chinese(manager_client):
    from compliance.models import Rule, RulePack
    from tests.personas.factories import AudienceSegmentFactory

    AudienceSegmentFactory(name="沉睡會員", slug="sleepers")
    pack = RulePack.objects.create(code="test-pack", name="測試規則包")
    Rule.objects.create(pack=pack, code="test-rule", title="夸大承诺", terms=["包治百病"])
    found = manager_client.get(reverse("wagtailsnippets_compliance_rule:list"), {"q": "包治"})
    assert "夸大承诺" in found.content.decode()  # by its words
    packs = manager_client.get(reverse("wagtailsnippets_compliance_rulepack:list"),
                               {"q": "测试规则"})  # fmt: skip
    assert "測試規則包" in packs.content.decode()
    segments = manager_client.get(reverse("wagtailsnippets_personas_audiencesegment:list"),
                                  {"q": "沉睡会员"})  # fmt: skip
    assert "沉睡會員" in segments.content.decode()
