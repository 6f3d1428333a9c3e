"""search.plan: a query is analysed once into a plan whose rules both backends compile."""

import pytest

from search import analysis, plan
from search.plan import plan_for
from tests.content.factories import MomentScriptFactory
from tests.editorial_calendar.factories import HotTopicFactory
from tests.personas.factories import PersonaFactory


def test_the_match_requires_every_bigram_and_latin_word_and_ranks_by_jieba_words():
    p = plan_for("会员日vip")
    clauses = p.clauses()
    assert set(clauses.required) == {"会员", "员日", "vip"} and not clauses.any_of
    assert "会员日" in clauses.optional
    assert not clauses.prefix


def test_the_typo_fallback_is_any_bigram_and_needs_two():
    fallback = plan_for("冻干面摸").clauses(fallback=True)
    assert fallback.any_of and set(fallback.required) == {"冻干", "干面", "面摸"}
    assert plan_for("面膜").clauses(fallback=True) is None


def test_a_one_character_query_is_a_prefix():
    assert plan_for("燕").prefix == "燕"
    assert plan_for("燕").clauses().prefix == {"燕"}
    assert plan_for("燕窝").prefix is None


def test_nothing_to_look_for():
    for query in ("", "！？。", "🌸✨"):
        assert plan_for(query).empty and plan_for(query).clauses() is None


def test_traditional_and_simplified_have_one_plan():
    assert plan_for("會員日") == plan_for("会员日")


def test_a_plan_is_analysed_again_when_the_dictionary_learns_words(monkeypatch):
    calls = []
    monkeypatch.setattr(plan, "analyse", lambda text: calls.append(text) or plan.SearchPlan((), ()))
    plan_for("计划缓存测试")
    plan_for("计划缓存测试")
    assert calls == ["计划缓存测试"]
    analysis.add_user_words(["计划缓存新词"])
    plan_for("计划缓存测试")
    assert calls == ["计划缓存测试"] * 2


@pytest.mark.django_db
@pytest.mark.usefixtures("search_backend")
def test_one_search_analyses_its_query_once(monkeypatch):
    """One search over every type, its fallback, re-ranking and 20 highlights: one analysis
    (it was 75 before the plan)."""
    persona = PersonaFactory(name="小美")
    for n in range(25):
        MomentScriptFactory(persona=persona, title=f"一次分析福利{n}", messages=[("text", "见")])
    HotTopicFactory(name="一次分析")
    from search.query import search

    monkeypatch.setattr(plan, "_cache", {})  # not analysed by an earlier test
    counted = []
    words = analysis.words
    monkeypatch.setattr(analysis, "words", lambda text: counted.append(text) or words(text))
    hits = search("一次分析福利")
    assert len(hits) == 20
    assert counted.count("一次分析福利") == 1
