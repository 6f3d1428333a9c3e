"""search/backends/whoosh_topk.py gives the same matches and scores as Whoosh's own matchers
running the equivalent query (`as_whoosh_query`, which the backend uses for other query shapes).

The index is built directly with Whoosh (no Django): several segments, deleted documents,
terms repeated in a document (frequencies above 1), and a field some documents lack.
"""

import random

import pytest
from whoosh import fields as wf
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage
from whoosh.scoring import BM25F
from whoosh.writing import NO_MERGE

from search.backends import whoosh_topk as topk
from search.backends.whoosh_schema import _text_field

WORDS = ["会员", "员日", "会员日", "直播", "预热", "燕窝", "燕麦", "礼盒", "vip", "vivo", "618"]
TITLE = topk.Field("t_title", 3.0)
BODY = topk.Field("t_body", 1.0)
FIELDS = (TITLE, BODY)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    schema = wf.Schema(
        pk=wf.ID(stored=True, unique=True),
        kind=wf.ID(),
        t_title=_text_field(),
        t_body=_text_field(),
    )
    storage = FileStorage(str(tmp_path_factory.mktemp("topk")))
    ix = storage.create_index(schema, "docs")
    rng = random.Random(7)  # noqa: S311 - test data
    pk = 0
    for _segment in range(3):
        writer = ix.writer()
        for _ in range(400):
            pk += 1
            doc = {"pk": str(pk), "kind": rng.choice(["chat", "moment"])}
            doc["t_body"] = " ".join(rng.choices(WORDS, k=rng.randint(1, 30)))
            if rng.random() < 0.7:
                doc["t_title"] = " ".join(rng.choices(WORDS, k=rng.randint(1, 4)))
            writer.add_document(**doc)
        writer.commit(mergetype=NO_MERGE)
    writer = ix.writer()
    for deleted in range(1, pk, 7):
        writer.delete_by_term("pk", str(deleted))
    writer.commit(mergetype=NO_MERGE)
    with ix.searcher(weighting=BM25F()) as opened:
        assert len(opened.leaf_searchers()) == 3 and opened.reader().has_deletions()
        yield opened


def whoosh_scores(searcher, plan):
    results = searcher.search(topk.as_whoosh_query(plan), limit=None)
    return {hit.docnum: hit.score for hit in results}


@pytest.mark.parametrize(
    "plan",
    [
        topk.Plan(FIELDS, (topk.Token("会员"), topk.Token("员日"))),
        topk.Plan(FIELDS, (topk.Token("会员"), topk.Token("员日")), (topk.Token("会员日"),)),
        topk.Plan(FIELDS, (topk.Token("直播"), topk.Token("燕窝"), topk.Token("618")), any_of=True),
        topk.Plan(FIELDS, (topk.Token("燕", prefix=True),)),
        topk.Plan(FIELDS, (topk.Token("vi", prefix=True), topk.Token("618"))),
        topk.Plan((BODY,), (topk.Token("礼盒"),), (topk.Token("预热"),)),
        topk.Plan(FIELDS, (topk.Token("礼盒"),), boost=2.5),
    ],
)
def test_same_matches_and_scores_as_whoosh(searcher, plan):
    ours = topk.scores(searcher, plan)
    theirs = whoosh_scores(searcher, plan)
    assert ours and set(ours) == set(theirs)
    for doc, score in theirs.items():
        assert ours[doc] == pytest.approx(score, rel=1e-5)
    deleted = {d for d in range(searcher.doc_count_all()) if searcher.reader().is_deleted(d)}
    assert deleted and not deleted & set(ours)


def test_nothing_matches(searcher):
    assert topk.scores(searcher, topk.Plan(FIELDS, (topk.Token("没有"),))) == {}
    assert topk.scores(searcher, topk.Plan(FIELDS, (topk.Token("会员"), topk.Token("没有")))) == {}
    assert topk.scores(searcher, topk.Plan((), (topk.Token("会员"),))) == {}


def test_best_orders_by_score_then_later_document():
    scored = {1: 0.5, 2: 2.0, 3: 0.5, 4: 1.0, 5: 0.5}
    assert topk.best(scored, None) == [2, 4, 5, 3, 1]
    assert topk.best(scored, 3) == [2, 4, 5]
    assert topk.best(scored, 10) == [2, 4, 5, 3, 1]
    assert topk.best({}, 5) == []


@pytest.mark.parametrize("walk_at_most", [10_000, 0])  # skip_to walk; the filter's own set
def test_passing_is_the_filter_restricted_to_the_documents_asked_about(
    searcher, monkeypatch, walk_at_most
):
    monkeypatch.setattr(topk, "WALK_AT_MOST", walk_at_most)
    plan = topk.Plan(FIELDS, (topk.Token("会员"),))
    docs = list(topk.scores(searcher, plan))
    chats = set(searcher.docs_for_query(wq.Term("kind", "chat")))
    assert topk.passing(searcher, wq.Term("kind", "chat"), docs) == chats & set(docs)
    not_chat = wq.Not(wq.Term("kind", "chat"))
    assert topk.passing(searcher, not_chat, docs) == set(docs) - chats
    assert topk.passing(searcher, wq.NullQuery, docs) == set()
