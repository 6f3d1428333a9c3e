"""GET /api/v1/search/."""

import pytest

from tests.content.factories import ChatScriptFactory, MomentScriptFactory
from tests.editorial_calendar.factories import HotTopicFactory

from .conftest import assert_problem, body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_backend")]


@pytest.fixture
def content(xiaomei, dr_lin, outsider):
    MomentScriptFactory(persona=xiaomei, title="会员日福利", messages=[("text", "<b>见</b>")])
    ChatScriptFactory(persona=dr_lin, title="會員日问答", triggers=["会员"])
    MomentScriptFactory(persona=xiaomei, title="会员日草稿", publish=False)
    MomentScriptFactory(persona=outsider, title="会员日外人")
    HotTopicFactory(slug="member-day", name="会员日")


def test_traditional_and_simplified_find_the_same(api, content):
    simplified = body(api.get("search/", {"q": "会员日"}))
    traditional = body(api.get("search/", {"q": "會員日"}))
    assert simplified["items"] == traditional["items"]
    assert {(h["type"], h["title"]) for h in simplified["items"]} == {
        ("script", "会员日福利"), ("script", "會員日问答"), ("hot_topic", "会员日")}  # fmt: skip
    script = next(h for h in simplified["items"] if h["title"] == "会员日福利")
    assert script["persona"] == "xiaomei" and script["kind"] == "moment"
    assert script["highlight"] == "<mark>会员日</mark>福利"
    topic = next(h for h in simplified["items"] if h["type"] == "hot_topic")
    assert topic["slug"] == "member-day" and topic["id"] is None
    scores = [h["score"] for h in simplified["items"]]
    assert scores == sorted(scores, reverse=True)


def test_filters_and_scope(api, content):
    assert [
        h["title"] for h in body(api.get("search/", {"q": "会员日", "kind": "chat"}))["items"]
    ] == ["會員日问答"]
    hits = body(api.get("search/", {"q": "会员日", "persona": "xiaomei"}))["items"]
    assert [h["title"] for h in hits] == ["会员日福利"]
    assert body(api.get("search/", {"q": "会员日", "persona": "outsider"}))["items"] == []
    assert body(api.get("search/", {"q": "外人"}))["items"] == []
    assert len(body(api.get("search/", {"q": "会员日", "limit": 1}))["items"]) == 1


@pytest.mark.parametrize("q", ["", "   ", "长" * 201])
def test_bad_queries_get_422(api, q):
    doc = assert_problem(api.get("search/", {"q": q}), 422, "validation_error")
    assert doc["errors"][0]["loc"] == ["query", "q"]


def test_missing_q_and_bad_kind_get_422(api):
    assert_problem(api.get("search/"), 422)
    assert_problem(api.get("search/", {"q": "x", "kind": "poster"}), 422)


@pytest.mark.parametrize("q", ["*", ":", '"', "OR", "(", "🎉", "'; DROP TABLE x; --", "？！。"])
def test_odd_queries_never_fail(api, content, q):
    response = api.get("search/", {"q": q})
    assert response.status_code == 200
    assert isinstance(body(response)["items"], list)
