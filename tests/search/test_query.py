"""search.query.search(): the one query interface of the admin and the bots."""

from datetime import timedelta

import pytest
from django.utils import timezone

from search.query import BadQuery, search
from tests.content.factories import ChatScriptFactory, MomentScriptFactory
from tests.editorial_calendar.factories import HotTopicFactory
from tests.personas.factories import PersonaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]


@pytest.fixture
def xiaomei():
    return PersonaFactory(slug="xiaomei", name="小美", positioning="敏感肌护肤")


def test_title_matches_come_first_and_highlights_are_escaped(xiaomei):
    for n in range(10):
        MomentScriptFactory(persona=xiaomei, title=f"日常{n}", messages=[("text", "早上好")])
    MomentScriptFactory(persona=xiaomei, title="福利", messages=[("text", "本周会员日<见>")])
    MomentScriptFactory(persona=xiaomei, title="會員日福利", messages=[("text", "见")])
    hits = search("会员日", types=("script",))
    assert [h.title for h in hits] == ["會員日福利", "福利"]
    assert "<mark>會員日</mark>" in hits[0].highlight
    assert "&lt;见&gt;" in hits[1].highlight and "<mark>会员日</mark>" in hits[1].highlight
    assert hits[0].score > hits[1].score


def test_equal_scores_come_newest_first_on_every_backend(xiaomei):
    same = [
        MomentScriptFactory(persona=xiaomei, title="同样的标题", messages=[("text", "会员日快乐")])
        for _ in range(4)
    ]
    MomentScriptFactory(persona=xiaomei, title="会员日专场", messages=[("text", "会员日快乐")])
    hits = search("会员日", types=("script",))
    assert [h.title for h in hits][0] == "会员日专场"  # the title match first
    assert [h.id for h in hits[1:]] == sorted((s.pk for s in same), reverse=True)


def test_bots_see_only_live_scripts_inside_their_window_admin_sees_drafts(xiaomei):
    MomentScriptFactory(persona=xiaomei, title="会员日草稿", publish=False)
    MomentScriptFactory(
        persona=xiaomei, title="会员日过期", valid_until=timezone.now() - timedelta(days=1)
    )
    MomentScriptFactory(persona=xiaomei, title="会员日上线")
    assert [h.title for h in search("会员日", types=("script",))] == ["会员日上线"]
    admin = {h.title for h in search("会员日", types=("script",), live_only=False)}
    assert admin == {"会员日草稿", "会员日过期", "会员日上线"}


def test_scope_and_filters(xiaomei):
    other = PersonaFactory(slug="dr-lin")
    MomentScriptFactory(persona=xiaomei, title="会员日朋友圈", tags=["福利"])
    ChatScriptFactory(persona=xiaomei, title="会员日私聊", triggers=["会员"])
    MomentScriptFactory(persona=other, title="会员日营养")
    assert {h.persona for h in search("会员日", persona_ids=[xiaomei.pk])} == {"xiaomei"}
    assert [h.title for h in search("会员日", kind="chat")] == ["会员日私聊"]
    assert [h.title for h in search("会员日", tags=["福利"], types=("script",))] == ["会员日朋友圈"]


def test_personas_and_hot_topics_are_found_too(xiaomei):
    HotTopicFactory(name="会员日", slug="member-day")
    found = {(h.type, h.slug) for h in search("会员日")}
    assert ("hot_topic", "member-day") in found
    assert ("persona", "xiaomei") in {(h.type, h.slug) for h in search("敏感肌")}


@pytest.mark.parametrize("query", ["", "   ", "x" * 201])
def test_empty_or_overlong_queries_are_refused_with_a_reason(query):
    with pytest.raises(BadQuery):
        search(query)


@pytest.mark.parametrize("query", ["！？", "🌸", "*", ":", '"', "OR", "("])
def test_queries_with_nothing_to_search_return_nothing(xiaomei, query):
    MomentScriptFactory(persona=xiaomei, title="会员日")
    assert search(query) == []


def test_an_empty_scope_finds_no_scripts_or_personas(xiaomei):
    MomentScriptFactory(persona=xiaomei, title="会员日朋友圈")
    HotTopicFactory(slug="member-day", name="会员日")
    assert [h.type for h in search("会员日", persona_ids=set())] == ["hot_topic"]


def test_only_the_best_candidates_are_loaded(xiaomei):
    """The candidates are ranked by their titles read as values: a search loads the objects
    it returns, not the up to 200 it ranks (loading 200 scripts cost more than their search)."""
    from django.db.models.signals import post_init

    from content.models import Script

    for n in range(12):
        title = "会员日专场" if n % 4 == 0 else f"日常{n}"
        MomentScriptFactory(persona=xiaomei, title=title, messages=[("text", f"会员日{n}")])
    loaded = []

    def count(sender, instance, **kwargs):
        if isinstance(instance, Script):
            loaded.append(instance)

    post_init.connect(count)
    try:
        hits = search("会员日", types=("script",), limit=4)
    finally:
        post_init.disconnect(count)
    assert [h.title for h in hits][:3] == ["会员日专场"] * 3  # title matches still first
    assert len(hits) == 4 and len(loaded) == 4
