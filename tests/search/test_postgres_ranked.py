"""PostgreSQL's fast path (search/backends/postgres_ranked.py): ranked in the index table, then
filtered. Where the ranking is unbounded (a text matching at most BLOCK entries) the results
are modelsearch's own, in the same order; beyond, blocks of the most recent matches."""

import datetime
import random

import pytest
from django.db import connection
from django.utils import timezone
from modelsearch.backends.database.postgres.postgres import PostgresSearchResults
from wagtail.search.backends import get_search_backend

from content.models import MomentScript, Script
from search.backends import postgres_ranked
from search.backends.postgres_ranked import RankedPostgresResults
from tests.personas.factories import PersonaFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite has its own fast path (RankedFTS5Results)",
    ),
]

FILLER = "今天给大家分享一个小技巧，记得收藏起来。"


@pytest.fixture(autouse=True)
def _fresh_entry_counts(monkeypatch):
    """The models' entry counts are kept per process (5 min): another test's corpus must not
    size this one's windows and estimates."""
    monkeypatch.setattr(postgres_ranked, "_ENTRIES", {})


@pytest.fixture
def corpus():
    """Scripts of two personas and two kinds, some outside their validity window, whose
    texts hold 会员日 more or less often (so that their ranks differ), some with equal ranks;
    indexed in another order than their primary keys'."""
    now = timezone.now()
    day = datetime.timedelta(days=1)
    mei, lin = PersonaFactory(slug="xiaomei"), PersonaFactory(slug="dr-lin")
    scripts = []
    for i in range(24):
        body = FILLER * (i % 4) + "会员日" * (1 + i % 3) + ("燕窝礼盒" if i % 5 == 0 else "")
        window = {}
        if i % 7 == 0:
            window = {"valid_until": now - day}  # expired
        elif i % 7 == 1:
            window = {"valid_from": now + day}  # not yet valid
        scripts.append(Script(
            kind="chat" if i % 3 == 0 else "moment", persona=mei if i % 2 else lin,
            title="会员日福利" if i % 4 == 0 else f"早安{i}", stage="attract",
            messages=[("text", body)], search_text=body, live=True, **window,
        ))  # fmt: skip
    scripts = Script.objects.bulk_create(scripts)
    random.Random(17).shuffle(scripts)  # noqa: S311 - an order, not a secret
    get_search_backend().add_bulk(Script, scripts)
    return {"mei": mei, "lin": lin, "now": now}


def querysets(corpus):
    return {
        "all": Script.objects.all(),
        "persona": Script.objects.filter(persona=corpus["lin"]),
        "deliverable": Script.objects.deliverable(corpus["now"]),
        "scope": Script.objects.deliverable(corpus["now"]).filter(persona__in=[corpus["mei"]]),
        "proxy": MomentScript.objects.all(),
    }


def both(query, queryset):
    """(fast, slow) results of one search: the fast path and modelsearch's own results on the
    same query compiler."""
    fast = get_search_backend().search(query, queryset)
    assert isinstance(fast, RankedPostgresResults)
    slow = PostgresSearchResults(fast.backend, fast.query_compiler)
    return fast.annotate_score("score"), slow.annotate_score("score")


def test_the_same_results_in_the_same_order_as_modelsearch(corpus):
    for name, queryset in querysets(corpus).items():
        for query in ["会员日", "會員日", "燕", "礼盒"]:
            fast, slow = both(query, queryset)
            expected = [(obj.pk, obj.score) for obj in slow]
            assert expected, (name, query)  # the corpus has matches for every case
            assert [(obj.pk, obj.score) for obj in fast] == expected, (name, query)
            assert [obj.pk for obj in fast[2:5]] == [pk for pk, _score in expected[2:5]]
            assert fast.count() == slow.count() == len(expected), (name, query)


def test_a_typo_falls_back_to_any_bigram_as_before(corpus):
    fast = get_search_backend().search("会员曰", Script.objects.filter(persona=corpus["mei"]))
    slow = PostgresSearchResults(fast.backend, fast.fallback)
    assert [obj.pk for obj in fast] == [obj.pk for obj in slow] != []
    assert fast.count() == slow.count()
    assert list(get_search_backend().search("面膜", Script.objects.all())) == []


def expected_in_blocks(query, queryset, block):
    """The rule beyond BLOCK matches: the model's matches, most recently indexed first, in
    blocks of `block`, each ranked as modelsearch ranks; then restricted to the queryset."""
    from modelsearch.conf import get_app_config

    fast = get_search_backend().search(query, Script.objects.all())
    slow = PostgresSearchResults(fast.backend, fast.query_compiler).annotate_score("score")
    scored = {obj.pk: obj.score for obj in slow}
    # Scripts' entries only: another model's entry may carry the same object id.
    entries = (
        get_app_config()
        .get_model("IndexEntry")
        .objects.filter(object_id__in=map(str, scored), content_type_id__in=fast._content_types())
    )
    newest = sorted(((e.id, int(e.object_id)) for e in entries), reverse=True)
    order = sorted(
        range(len(newest)),
        key=lambda i: (i // block, -scored[newest[i][1]], -newest[i][1]),
    )
    allowed = set(queryset.values_list("pk", flat=True))
    return [newest[i][1] for i in order if newest[i][1] in allowed]


def test_common_words_are_ranked_in_blocks_of_the_most_recent(corpus, monkeypatch):
    monkeypatch.setattr(postgres_ranked, "BLOCK", 5)
    monkeypatch.setattr(postgres_ranked, "MARGIN", 1)
    monkeypatch.setattr(postgres_ranked, "FIRST_WINDOW", 3)  # windows widened by density
    for max_blocks in [0, 100]:  # joined in SQL, or block after block
        monkeypatch.setattr(postgres_ranked, "MAX_BLOCKS", max_blocks)
        for name, queryset in querysets(corpus).items():
            expected = expected_in_blocks("会员日", queryset, 5)
            results = get_search_backend().search("会员日", queryset)
            assert [obj.pk for obj in results] == expected, (max_blocks, name)
            assert [obj.pk for obj in results[:3]] == expected[:3], (max_blocks, name)
            assert [obj.pk for obj in results[4:9]] == expected[4:9], (max_blocks, name)
            assert results.count() == len(expected) or results.count_estimated, name


def test_a_page_reads_one_block_and_asks_the_filters_once(
    corpus, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(postgres_ranked, "_ENTRIES", {})
    queryset = Script.objects.filter(persona=corpus["mei"])
    results = get_search_backend().search("会员日", queryset)
    # The model's entries (few: one window, without the newest entry's id), the block, the
    # filters about its best pks, the objects.
    with django_assert_num_queries(4):
        assert len(results[:3]) == 3


def test_counts_beyond_a_block_are_estimated_and_say_so(corpus, monkeypatch):
    """Counting every match of a common word would read them all: beyond one block, the count
    is the density of matches among the block's entries times the model's entries (times the
    share the queryset keeps), flagged `count_estimated`."""
    monkeypatch.setattr(postgres_ranked, "_ENTRIES", {})
    backend = get_search_backend()
    exact = backend.search("会员日", Script.objects.filter(persona=corpus["lin"]))
    assert exact.count() == 12 and not exact.count_estimated
    monkeypatch.setattr(postgres_ranked, "BLOCK", 5)
    every = backend.search("会员日", Script.objects.all())
    assert every.count() == 24 and every.count_estimated  # every script matches: dense ids
    some = backend.search("会员日", Script.objects.filter(persona=corpus["lin"]))
    assert 5 <= some.count() <= 24 and some.count_estimated


def test_a_match_split_between_title_and_body_is_found(corpus):
    """Each of the query's terms in the title or in the body is a match (the cheap test of
    any term before the joined vectors must not drop it), ranked as modelsearch ranks it."""
    split = Script.objects.create(
        kind="moment", persona=corpus["mei"], title="会员专场", stage="attract",
        messages=[("text", "员日快乐")], search_text="员日快乐", live=True,
    )  # fmt: skip
    get_search_backend().add(split)
    fast, slow = both("会员日", Script.objects.all())
    assert [(obj.pk, obj.score) for obj in fast] == [(obj.pk, obj.score) for obj in slow]
    typo = get_search_backend().search("会员曰", Script.objects.all())  # any bigram: 会员
    fallback = PostgresSearchResults(typo.backend, typo.fallback)
    assert [obj.pk for obj in typo] == [obj.pk for obj in fallback] != []
    assert split.pk in [
        obj.pk for obj in get_search_backend().search("会员日", Script.objects.all())
    ]
