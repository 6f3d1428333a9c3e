"""The Chinese database backend (the test settings' default): SQLite FTS5 or PostgreSQL."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.search.backends import get_search_backend

from content.models import ChatScript, MomentScript, Script
from tests.content.factories import ChatScriptFactory, MomentScriptFactory
from tests.personas.factories import PersonaFactory

pytestmark = pytest.mark.django_db


def titles(results):
    return [obj.title for obj in results]


@pytest.fixture
def corpus():
    persona = PersonaFactory(slug="xiaomei")
    return {
        "live": MomentScriptFactory(
            persona=persona, title="双十一会员日直播预热话术", messages=[("text", "宝子们晚上好")]
        ),
        "body": MomentScriptFactory(
            persona=persona, title="福利提醒", messages=[("text", "本周会员日，燕窝礼盒买一送一")]
        ),
        "mask": ChatScriptFactory(
            persona=persona, title="面膜怎么用", messages=[("text", "冻干面膜敷十五分钟")]
        ),
        "other": MomentScriptFactory(
            persona=persona, title="早餐搭配", messages=[("text", "燕麦")]
        ),
    }


@pytest.mark.usefixtures("search_backend")
def test_chinese_words_inside_unspaced_text_are_found(corpus):
    backend = get_search_backend()
    assert set(titles(backend.search("会员日", Script))) == {"双十一会员日直播预热话术", "福利提醒"}
    assert titles(backend.search("直播", Script)) == ["双十一会员日直播预热话术"]


@pytest.mark.usefixtures("search_backend")
def test_traditional_and_simplified_queries_find_the_same(corpus):
    backend = get_search_backend()
    assert titles(backend.search("會員日", Script)) == titles(backend.search("会员日", Script))
    assert titles(backend.search("雙十一", Script)) == titles(backend.search("双十一", Script))


@pytest.mark.usefixtures("search_backend")
def test_single_character_and_typo_queries(corpus):
    backend = get_search_backend()
    assert set(titles(backend.search("燕", Script))) == {"福利提醒", "早餐搭配"}
    assert titles(backend.search("冻干面摸", Script)) == ["面膜怎么用"]


@pytest.mark.usefixtures("search_backend")
def test_proxy_querysets_and_filters_restrict_results(corpus):
    backend = get_search_backend()
    assert titles(backend.search("面膜", ChatScript)) == ["面膜怎么用"]
    assert titles(backend.search("面膜", MomentScript)) == []
    draft = MomentScriptFactory(
        persona=corpus["live"].persona, title="会员日草稿", publish=False, messages=[("text", "x")]
    )
    found = titles(backend.search("会员日", Script.objects.filter(live=True)))
    assert draft.title not in found and "福利提醒" in found


def test_a_page_is_filled_when_the_queryset_drops_the_best_ranked(corpus, monkeypatch):
    """The SQLite fast path ranks a few index rows beyond the page first; when the queryset
    drops those, it joins every match to the queryset."""
    from django.db import connection

    from search.backends import database
    from search.backends.database import RankedFTS5Results

    monkeypatch.setattr(RankedFTS5Results, "MARGIN", 0)
    monkeypatch.setattr(database, "FEW_ENTRIES", 0)  # scripts are many: text matches first
    monkeypatch.setattr(database, "_ENTRY_COUNTS", {})
    rounds = []
    best_rows = RankedFTS5Results._best_rows
    monkeypatch.setattr(
        RankedFTS5Results,
        "_best_rows",
        lambda self, table, match, n: rounds.append(n) or best_rows(self, table, match, n),
    )
    for i in range(4):  # ranked first: the word in a short title
        MomentScriptFactory(persona=corpus["live"].persona, title=f"会员日{i}")
    persona = PersonaFactory(slug="dr-lin")
    long_text = "今天给大家分享一个小技巧，记得收藏起来，" * 5
    mine = [
        MomentScriptFactory(
            persona=persona, title=f"早餐{i}", messages=[("text", long_text + "会员日见")]
        )
        for i in range(2)
    ]
    results = get_search_backend().search("会员日", Script.objects.filter(persona=persona))
    assert set(titles(results[:2])) == {script.title for script in mine}
    if connection.vendor == "sqlite":
        assert rounds == [2]  # the best 2 rows were not in the queryset: joined instead
    assert results.count() == 2


@pytest.mark.parametrize("few_entries", [0, 10_000])
def test_both_join_orders_give_the_same_results(corpus, monkeypatch, few_entries):
    """A model with few index entries whose text matches many rows is searched entries first,
    others text first (SQLite); the results and counts are the same either way."""
    from search.backends import database

    monkeypatch.setattr(database, "FEW_ENTRIES", few_entries)
    monkeypatch.setattr(database, "PROBE_COST", 0)  # every match "many": entries first
    monkeypatch.setattr(database, "_ENTRY_COUNTS", {})
    backend = get_search_backend()
    persona = corpus["live"].persona
    for query, queryset, expected in [
        ("会员日", Script.objects.all(), {"双十一会员日直播预热话术", "福利提醒"}),
        ("会员日", ChatScript.objects.all(), set()),
        ("燕", Script.objects.filter(persona=persona), {"福利提醒", "早餐搭配"}),
        ("冻干面摸", Script.objects.all(), {"面膜怎么用"}),
    ]:
        results = backend.search(query, queryset)
        assert set(titles(results)) == expected, query
        assert results.count() == len(expected)
        assert set(titles(results[:1])) <= expected
    found = backend.search(persona.name, type(persona).objects.all())
    assert [p.name for p in found] == [persona.name]


@pytest.mark.usefixtures("search_backend")
@pytest.mark.parametrize(
    "query", ["", "   ", "！？。", "🌸✨", "*", ":", '"', "OR", "(", "会员日 OR (", "x" * 10_000]
)
def test_odd_queries_never_raise(corpus, query):
    list(get_search_backend().search(query, Script))


@pytest.mark.usefixtures("search_backend")
def test_unpublish_and_delete_follow_the_content(corpus):
    backend = get_search_backend()
    corpus["body"].delete()
    assert "福利提醒" not in titles(backend.search("会员日", Script))


def test_search_index_rebuild_and_check(corpus, capsys):
    call_command("search_index", "rebuild")
    call_command("search_index", "check")
    from modelsearch.conf import get_app_config

    get_app_config().get_model("IndexEntry").objects.filter(
        object_id=str(corpus["mask"].pk)
    ).delete()
    with pytest.raises(CommandError) as error:
        call_command("search_index", "check")
    assert error.value.returncode == 1
    assert str(corpus["mask"].pk) in capsys.readouterr().out


def test_a_rebuild_leaves_every_title_norm_as_a_full_pass_computes_it(corpus):
    """The rebuild makes one title_norm pass, at the end (search.index_admin): every model's
    entries — those rebuilt before the last model's too — hold what a full pass gives."""
    from modelsearch.conf import get_app_config

    entries = get_app_config().get_model("IndexEntry").objects.order_by("id")
    call_command("search_index", "rebuild", stdout=io.StringIO())
    rebuilt = list(entries.values_list("content_type_id", "object_id", "title_norm"))
    assert len({ct for ct, _pk, _norm in rebuilt}) > 1  # personas, then scripts
    get_search_backend().get_index_for_model(Script)._refresh_title_norms(full=True)
    assert list(entries.values_list("content_type_id", "object_id", "title_norm")) == rebuilt


def test_generated_hot_topics_are_searchable_and_the_index_is_complete_after_the_demo():
    call_command("load_demo", stdout=io.StringIO())
    call_command("search_index", "check", stdout=io.StringIO())
    from editorial_calendar.models import HotTopic

    found = get_search_backend().search("中秋", HotTopic)
    assert [topic.name for topic in found][:1] == ["中秋节"]
