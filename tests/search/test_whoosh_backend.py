"""The Whoosh search backend (search/backends/whoosh.py) with the project's Chinese analysis.

Models and factories are imported inside functions: the concurrency test's spawned processes
import this module before they have set Django up.
"""

import datetime
import multiprocessing
import os
import shutil

import pytest
from django.test import override_settings
from django.utils import timezone

from search.backends.whoosh import IndexCorrupt, IndexMissing

INDEX_NAME = "content.script"


def _settings(path):
    return {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": str(path),
            "AUTO_UPDATE": False,
        }
    }


def rebuild(backend):
    """What a rebuild does for the scripts' index: the rebuilder over Script and its proxies."""
    from content.models import ChatScript, GroupScript, LivestreamScript, MomentScript, Script

    index = backend.get_index_for_model(Script)
    rebuilder = backend.rebuilder_class(index)
    target = rebuilder.start()
    for model in (Script, MomentScript, GroupScript, LivestreamScript, ChatScript):
        target.add_model(model)
        target.add_items(model, list(model.get_indexed_objects().order_by("pk")))
    rebuilder.finish()
    return index


def titles(results):
    return [obj.title for obj in results]


def stored_pks(index_path):
    from whoosh.index import open_dir

    ix = open_dir(str(index_path), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        return [fields["pk"] for _docnum, fields in searcher.reader().iter_docs()]


def make_scripts(persona):
    from tests.content.factories import (
        ChatScriptFactory,
        GroupScriptFactory,
        LivestreamScriptFactory,
        MomentScriptFactory,
    )

    def text(value):
        return {"persona": persona, "messages": [("text", value)]}

    return {
        "preheat": LivestreamScriptFactory(title="直播预热", **text("双十一会员日直播预热话术")),
        "title_hit": MomentScriptFactory(title="会员日福利", **text("今晚八点准时开抢")),
        "body_hit": GroupScriptFactory(title="群公告", **text("这周六是会员日，积分翻倍哦")),
        "bird_nest": ChatScriptFactory(title="燕窝礼盒", **text("燕窝礼盒今天到货")),
        "mask": MomentScriptFactory(title="面膜上新", **text("冻干面膜补水修护")),
        "vip": ChatScriptFactory(title="VIP618专享", **text("专属客服在线")),
        # Both hold the bigrams 研究 + 究生; only the first holds the jieba word 研究生.
        "word": GroupScriptFactory(title="考研群", **text("研究生入学考试")),
        "bigrams": GroupScriptFactory(title="科普群", **text("研究生命的起源")),
        "draft": MomentScriptFactory(title="会员日草稿", publish=False, **text("还没写完")),
    }


# Searching: one corpus and index for the class, rolled back after it --------------------------


@pytest.fixture(scope="class")
def corpus(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import transaction
    from wagtail.search.backends import get_search_backend

    from tests.content.factories import ChatScriptFactory
    from tests.personas.factories import PersonaFactory

    path = tmp_path_factory.mktemp("corpus") / "index"
    with django_db_blocker.unblock(), override_settings(WAGTAILSEARCH_BACKENDS=_settings(path)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            persona = PersonaFactory()
            data = make_scripts(persona)
            data["other"] = ChatScriptFactory(
                title="别家会员日",
                messages=[("text", "会员日")],
                valid_until=timezone.now() - datetime.timedelta(days=1),
            )
            data["persona"] = persona
            backend = get_search_backend()
            rebuild(backend)
            yield backend, data
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def search(corpus, db):
    from content.models import Script

    backend, _data = corpus

    def run(query, model_or_queryset=None, **kwargs):
        target = Script if model_or_queryset is None else model_or_queryset
        return backend.search(query, target, **kwargs)

    return run


class TestSearch:
    def test_word_inside_longer_text_is_found(self, search):
        found = titles(search("会员日"))
        assert "直播预热" in found  # 双十一会员日直播预热话术
        assert set(found) == {"直播预热", "会员日福利", "群公告", "会员日草稿", "别家会员日"}

    def test_traditional_and_simplified_queries_agree(self, search):
        for simplified, traditional in [("会员日", "會員日"), ("双十一", "雙十一")]:
            expected = titles(search(simplified))
            assert expected
            assert titles(search(traditional)) == expected
        assert titles(search("双十一")) == ["直播预热"]

    def test_one_character_query(self, search):
        assert titles(search("燕")) == ["燕窝礼盒"]
        assert titles(search("礼")) == ["燕窝礼盒"]  # 礼盒
        # As in the database backend, only as a prefix: 货 ends 到货, the end of its text.
        assert titles(search("货")) == []

    def test_typo_falls_back_to_any_bigram(self, search):
        assert titles(search("冻干面摸"))[0] == "面膜上新"
        assert titles(search("冻干面膜")) == ["面膜上新"]
        # AND finds nothing, so any bigram will do.
        assert set(titles(search("燕窝 冻干面摸"))) == {"燕窝礼盒", "面膜上新"}
        # AND finds something: no fallback.
        assert titles(search("会员日 积分")) == ["群公告"]

    def test_ranking(self, search):
        ranked = titles(search("会员日"))
        # Title matches (boost 3) above text-only matches.
        assert set(ranked[:3]) == {"会员日福利", "会员日草稿", "别家会员日"}
        # A text where jieba found the word above one that only holds its bigrams.
        assert titles(search("研究生")) == ["考研群", "科普群"]
        scored = list(search("会员日").annotate_score("_score"))
        assert all(isinstance(obj._score, float) for obj in scored)
        scores = [obj._score for obj in scored]
        assert scores == sorted(scores, reverse=True)

    def test_operators_query_classes_fields_and_autocomplete(self, corpus, search):
        from modelsearch.query import And, Not, Phrase, PlainText

        from content.models import Script

        backend, _data = corpus
        either = titles(search("会员日 积分", operator="or"))
        assert len(either) == 5 and "群公告" in either
        assert set(titles(search("会员日", fields=["title"]))) == {
            "会员日福利",
            "会员日草稿",
            "别家会员日",
        }
        assert titles(search(Phrase("燕窝礼盒"))) == ["燕窝礼盒"]
        assert "群公告" not in titles(search(And([PlainText("会员日"), Not(PlainText("积分"))])))
        not_bird_nest = titles(search(Not(PlainText("燕窝"))))
        assert "燕窝礼盒" not in not_bird_nest
        assert len(not_bird_nest) == Script.objects.count() - 1
        assert len(search(PlainText("会员日") | PlainText("燕窝"))) == 6
        # Latin words are whole tokens in search, prefixes at the end of an autocomplete query.
        assert titles(search("vip")) == []
        assert titles(search("VIP618")) == ["VIP618专享"]
        assert titles(backend.autocomplete("vip", Script)) == ["VIP618专享"]

    def test_filters(self, corpus, search):
        from content.models import ChatScript, GroupScript, MomentScript, Script

        _backend, data = corpus
        persona, other = data["persona"], data["other"]
        moments = {"会员日福利", "会员日草稿"}
        assert set(titles(search("会员日", MomentScript))) == moments
        assert set(titles(search("会员日", MomentScript.objects.all()))) == moments
        assert titles(search("会员日", GroupScript)) == ["群公告"]
        assert titles(search("会员日", ChatScript)) == ["别家会员日"]
        live = titles(search("会员日", Script.objects.filter(live=True)))
        assert "会员日草稿" not in live and "会员日福利" in live
        mine = titles(search("会员日", Script.objects.filter(persona_id=persona.pk)))
        assert "别家会员日" not in mine and "群公告" in mine
        theirs = Script.objects.filter(persona_id=other.persona_id, kind__in=["chat", "group"])
        assert titles(search("会员日", theirs)) == ["别家会员日"]
        assert titles(search("会员日", Script.objects.exclude(persona=persona))) == ["别家会员日"]
        assert titles(search("会员日", Script.objects.none())) == []
        assert titles(search("会员日", Script.objects.filter(stage="refer"))) == []

    def test_filters_are_translated_for_whoosh(self, corpus, search):
        """The index itself narrows the hits: for each queryset, the documents the Whoosh
        filter lets through are exactly the queryset's rows when it filters on values, and
        never fewer when it has ranges (those are left to the database check after it)."""
        from content.models import MomentScript, Script
        from search.backends.whoosh import open_searcher

        backend, data = corpus
        index = backend.get_index_for_model(Script)
        searcher = open_searcher(index.path, index.name)
        now = timezone.now()
        exact = [
            MomentScript.objects.all(),
            Script.objects.filter(live=True),
            Script.objects.filter(persona_id=data["persona"].pk, kind__in=["chat", "group"]),
            Script.objects.exclude(kind="moment"),
            Script.objects.filter(valid_until__isnull=False),
            Script.objects.filter(stage="attract", live=False),
            Script.objects.none(),
        ]
        with_ranges = [
            Script.objects.filter(valid_until__lt=now, live=True),
            Script.objects.deliverable(now),
            Script.objects.filter(id__gt=data["mask"].pk),
            Script.objects.filter(id__lte=data["mask"].pk, stage="attract"),
        ]
        for queryset in exact + with_ranges:
            compiler = backend.query_compiler_class(queryset, "会员日")
            compiler._schema = searcher.schema
            whoosh_filter = compiler._whoosh_filter()
            allowed = set(stored_pks(index.path))
            if whoosh_filter is not None:
                allowed = {
                    searcher.stored_fields(docnum)["pk"]
                    for docnum in searcher.docs_for_query(whoosh_filter)
                }
            rows = {str(pk) for pk in queryset.values_list("pk", flat=True)}
            if any(queryset is q for q in exact):
                assert allowed == rows, queryset
            else:
                assert allowed >= rows, queryset
        # The validity window is the database's; drafts are filtered in the index already.
        compiler = backend.query_compiler_class(Script.objects.deliverable(now), "会员日")
        compiler._schema = searcher.schema
        draft = {searcher.document_number(pk=str(data["draft"].pk))}
        assert not set(searcher.docs_for_query(compiler._whoosh_filter())) & draft
        deliverable = titles(search("会员日", Script.objects.deliverable()))
        assert "别家会员日" not in deliverable and "会员日草稿" not in deliverable
        assert "会员日福利" in deliverable

    def test_counts_from_the_index_agree_with_the_results(self, corpus, search):
        """count() comes from the index when the Whoosh filter is the queryset's own (the
        admin listing counts before it shows a page), else from the checked results."""
        from content.models import MomentScript, Script

        backend, data = corpus
        for query, queryset, from_index in [
            ("会员日", Script.objects.all(), True),
            ("会员日", MomentScript.objects.all(), True),
            ("会员日", Script.objects.filter(live=True, persona_id=data["persona"].pk), True),
            ("冻干面摸", Script.objects.all(), True),  # the relaxed (typo) search
            ("会员日", Script.objects.none(), True),
            ("会员日", Script.objects.deliverable(), False),  # a date range: database only
            ("会员日 -燕窝", Script.objects.all(), True),
        ]:
            compiler = backend.query_compiler_class(queryset, query)
            counted = compiler.count_in_index(backend)
            assert (counted is not None) == from_index, (query, queryset)
            results = search(query, queryset)
            assert results.count() == len(list(search(query, queryset))), (query, queryset)
            if from_index:
                assert counted == results.count()

    def test_counting_slicing_ordering_and_facets(self, search):
        from content.models import Script

        results = search("会员日")
        assert results.count() == 5
        assert titles(results[1:3]) == titles(results)[1:3]
        assert results[1:3].count() == 2
        by_kind = search("会员日", Script.objects.order_by("kind"), order_by_relevance=False)
        kinds = [obj.kind for obj in by_kind]
        assert kinds == sorted(kinds) and len(kinds) == 5
        # Not a FilterField: the database sorts (the admin's Title column while searching).
        by_title = search("会员日", Script.objects.order_by("-title"), order_by_relevance=False)
        assert titles(by_title) == sorted(titles(results), reverse=True)
        assert results.facet("kind") == {"moment": 2, "livestream": 1, "group": 1, "chat": 1}

    @pytest.mark.parametrize(
        "query",
        ["", " ", "\t\n", "，。！？", "😀🎉", "*", ":", '"', "OR", "AND", "NOT", "(",
         "title:会员日*", '"会员日" OR (燕窝', "a" * 10_000, "会员日" * 3_400],
    )  # fmt: skip
    def test_hostile_queries_never_raise(self, corpus, search, query):
        from content.models import Script

        backend, _data = corpus
        results = search(query)
        found = titles(results)
        assert results.count() == len(found)
        titles(backend.autocomplete(query, Script))
        if not query.strip('，。！？😀🎉*:"( \t\n'):
            assert found == []
        if query.startswith("会员日"):
            assert len(found) == 5


# Updating: a fresh index per test ------------------------------------------------------------


@pytest.fixture
def index_path(tmp_path):
    return tmp_path / "index"


@pytest.fixture
def backend(index_path):
    from wagtail.search.backends import get_search_backend

    with override_settings(WAGTAILSEARCH_BACKENDS=_settings(index_path)):
        yield get_search_backend()


@pytest.fixture
def scripts(db):
    from tests.personas.factories import PersonaFactory

    return make_scripts(PersonaFactory())


def test_delete_and_reindex(backend, scripts, index_path):
    from content.models import Script

    index = rebuild(backend)
    index.delete_item(scripts["bird_nest"])
    assert titles(backend.search("燕窝", Script)) == []

    mask = scripts["mask"]
    mask.title = "修护精华"
    mask.save()
    index.add_item(mask)
    index.add_items(Script, [mask, mask])
    assert titles(backend.search("上新", Script)) == []
    assert titles(backend.search("修护精华", Script)) == ["修护精华"]
    assert stored_pks(index_path).count(str(mask.pk)) == 1
    assert len(stored_pks(index_path)) == len(scripts) - 1

    # A rebuild indexes every script once and drops the documents of deleted ones.
    scripts["vip"].delete()
    rebuild(backend)
    expected = {str(pk) for pk in Script.objects.values_list("pk", flat=True)}
    assert sorted(stored_pks(index_path)) == sorted(expected)


def test_rebuild_in_batches_over_a_live_index(backend, scripts, index_path, monkeypatch):
    """A rebuild writes batches as separate segments; what a worker saves or deletes meanwhile
    wins over the older copy the rebuild read; no segment is left whose documents were all
    replaced."""
    from whoosh.index import open_dir

    from content.models import Script
    from search.backends import whoosh_rebuild

    monkeypatch.setattr(whoosh_rebuild, "REBUILD_BATCH", 3)
    rebuild(backend)  # over an empty index
    rebuild(backend)  # over a full one: every document replaced

    index = backend.get_index_for_model(Script)
    rebuilder = backend.rebuilder_class(index)
    target = rebuilder.start()
    objects = list(Script.get_indexed_objects().order_by("pk"))  # read before the save
    target.add_items(Script, objects[:4])  # one batch written, one document pending
    mask = scripts["mask"]
    assert mask.pk in {obj.pk for obj in objects[4:]}
    mask.title = "修护精华"
    mask.save()
    index.add_item(mask)  # a worker saves while the rebuild runs
    vip = Script.objects.get(pk=scripts["vip"].pk)
    Script.objects.filter(pk=vip.pk).delete()
    index.delete_item(vip)  # and deletes one
    target.add_items(Script, objects[4:])  # the old title, and the deleted script
    rebuilder.finish()

    pks = stored_pks(index_path)
    assert sorted(pks) == sorted(str(pk) for pk in Script.objects.values_list("pk", flat=True))
    assert titles(backend.search("燕窝", Script)) == ["燕窝礼盒"]
    assert titles(backend.search("修护精华", Script)) == ["修护精华"]
    assert titles(backend.search("上新", Script)) == []
    assert titles(backend.search("专属客服", Script)) == []
    assert not list(index_path.glob("*.rebuilding")) and not list(index_path.glob("*.changed"))
    ix = open_dir(str(index_path), indexname=INDEX_NAME)
    segments = ix._segments()
    assert len(segments) > 1 and all(segment.doc_count() > 0 for segment in segments)


def test_update_index_command(backend, scripts, index_path):
    from django.core.management import call_command

    from content.models import Script

    assert backend.indexed_ids(Script) == set()
    call_command("update_index", verbosity=0)
    assert len(stored_pks(index_path)) == len(scripts)
    assert titles(backend.search("燕窝", Script)) == ["燕窝礼盒"]
    assert any(name.startswith("_personas.persona_") for name in os.listdir(index_path))
    # What `search_index check` compares with the database.
    expected = {str(pk) for pk in Script.objects.values_list("pk", flat=True)}
    assert backend.indexed_ids(Script) == expected


def test_missing_or_damaged_index_asks_for_a_rebuild(backend, scripts, index_path):
    from content.models import Script

    with pytest.raises(IndexMissing, match="search_index rebuild"):
        list(backend.search("会员日", Script))

    rebuild(backend)
    shutil.rmtree(index_path)
    with pytest.raises(IndexMissing, match="search_index rebuild"):
        list(backend.search("会员日", Script))

    rebuild(backend)  # recreates the folder
    assert titles(backend.search("燕窝", Script)) == ["燕窝礼盒"]
    for name in os.listdir(index_path):
        if name.endswith(".toc"):
            (index_path / name).write_bytes(b"not an index")
    with pytest.raises(IndexCorrupt, match="search_index rebuild"):
        list(backend.search("燕窝", Script))

    rebuild(backend)
    assert titles(backend.search("燕窝", Script)) == ["燕窝礼盒"]


# Several processes writing at once ----------------------------------------------------------


def _write_documents(path, first, count, barrier):
    """A worker process: write `count` documents through the index's writer, ten per commit."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.test")
    import django

    django.setup()
    from content.models import Script
    from search.analysis import index_text
    from search.backends.whoosh import SearchBackend

    index = SearchBackend({"PATH": path}).get_index_for_model(Script)
    documents = [
        {
            "pk": str(pk),
            "ct": "content.script",
            "t_title": index_text(f"并发话术{pk}"),
            "t_search_text": index_text(f"并发写入第{pk}条"),
            "f_kind": "chat",
            "f_live": True,
        }
        for pk in range(first, first + count)
    ]
    barrier.wait(timeout=60)
    for start in range(0, count, 10):
        index.write_documents(documents[start : start + 10])


def test_two_processes_write_concurrently(tmp_path):
    path = str(tmp_path / "index")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_write_documents, args=(path, first, 200, barrier))
        for first in (1, 1001)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    pks = stored_pks(path)
    assert len(pks) == 400
    assert set(pks) == {str(pk) for pk in [*range(1, 201), *range(1001, 1201)]}
