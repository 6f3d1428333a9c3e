"""Dify's external knowledge API and API-based extension, against their published shapes."""

import json

import pytest
from django.utils import timezone

from tests.compliance.factories import add_word_rule
from tests.content.factories import ChatScriptFactory, MomentScriptFactory
from tests.editorial_calendar.factories import CalendarEntryFactory

pytestmark = pytest.mark.django_db


def post(client, path, body, token):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    response = client.post(
        f"/api/v1/dify/{path}", json.dumps(body), content_type="application/json", **headers
    )
    return response, json.loads(response.content)


def ask(query, knowledge_id="all", top_k=5, threshold=0.0, **extra):
    setting = {"top_k": top_k, "score_threshold": threshold}
    return {"knowledge_id": knowledge_id, "query": query, "retrieval_setting": setting, **extra}


@pytest.fixture
def scripts(xiaomei, dr_lin, outsider):
    return {
        "moment": MomentScriptFactory(persona=xiaomei, title="会员日福利", tags=["会员"]),
        "chat": ChatScriptFactory(persona=dr_lin, title="会员日问答"),
        "draft": MomentScriptFactory(persona=xiaomei, title="会员日草稿", publish=False),
        "foreign": MomentScriptFactory(persona=outsider, title="会员日外人"),
    }


def test_retrieval_gives_dify_records_in_scope(client, bot, scripts):
    response, body = post(client, "retrieval", ask("会员日"), bot.token)
    assert response.status_code == 200
    ids = {record["metadata"]["id"] for record in body["records"]}
    assert ids == {scripts["moment"].pk, scripts["chat"].pk}  # no draft, no outsider
    for record in body["records"]:
        assert set(record) == {"content", "score", "title", "metadata"}
        assert isinstance(record["metadata"], dict) and 0 <= record["score"] <= 1
        assert isinstance(record["content"], str) and record["content"]
    assert max(record["score"] for record in body["records"]) == 1


def test_retrieval_by_persona_top_k_and_metadata(client, bot, scripts):
    _, body = post(client, "retrieval", ask("会员日", "xiaomei"), bot.token)
    assert [r["metadata"]["id"] for r in body["records"]] == [scripts["moment"].pk]
    _, body = post(client, "retrieval", ask("会员日", top_k=1), bot.token)
    assert len(body["records"]) == 1
    condition = {"logical_operator": "and", "conditions": [
        {"name": ["kind"], "comparison_operator": "is", "value": "chat"}]}  # fmt: skip
    _, body = post(client, "retrieval", ask("会员日", metadata_condition=condition), bot.token)
    assert [r["metadata"]["id"] for r in body["records"]] == [scripts["chat"].pk]
    _, body = post(client, "retrieval", ask("完全无关的词语"), bot.token)
    assert body == {"records": []}


def test_retrieval_errors_in_dify_shape(client, bot, scripts):
    response, body = post(client, "retrieval", ask("会员日", "outsider"), bot.token)
    assert response.status_code == 404 and body["error_code"] == 2001 and body["error_msg"]
    response, body = post(client, "retrieval", ask("会员日", "nobody"), bot.token)
    assert response.status_code == 404 and body["error_code"] == 2001
    response, body = post(client, "retrieval", ask("会员日"), "siyu_wrong")
    assert response.status_code == 403 and body["error_code"] == 1002
    response, body = post(client, "retrieval", ask("会员日"), None)
    assert response.status_code == 403 and body["error_code"] == 1001
    response = client.post(
        "/api/v1/dify/retrieval", json.dumps({"query": 3}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {bot.token}",
    )  # fmt: skip
    assert response.status_code == 422 and json.loads(response.content)["code"]


def test_extension_ping_brief_and_due(client, bot, xiaomei, scripts):
    _, body = post(client, "extension", {"point": "ping"}, bot.token)
    assert body == {"result": "pong"}
    params = {"app_id": "a", "tool_variable": "brief", "inputs": {"persona": "xiaomei"}}
    _, body = post(client, "extension", {"point": "app.external_data_tool.query", "params": params},
                   bot.token)  # fmt: skip
    assert xiaomei.name in body["result"]
    CalendarEntryFactory(persona=xiaomei, date=timezone.localdate(), title="早安问候",
                         status="approved")  # fmt: skip
    params = {**params, "tool_variable": "due_today"}
    _, body = post(client, "extension", {"point": "app.external_data_tool.query", "params": params},
                   bot.token)  # fmt: skip
    assert "早安问候" in body["result"]
    params = {**params, "inputs": {"persona": "outsider"}}
    query = {"point": "app.external_data_tool.query", "params": params}
    response, body = post(client, "extension", query, bot.token)
    assert response.status_code == 404 and body["error_code"] == 2001
    response, body = post(client, "extension", {"point": "app.unknown"}, bot.token)
    assert response.status_code == 422 and body["errors"][0]["loc"] == ["point"]


def test_extension_moderation_masks_the_offending_words(client, bot):
    add_word_rule("最便宜")
    params = {"app_id": "a", "inputs": {"topic": "这家店最便宜"}, "query": "这是最便宜的吗"}
    _, body = post(client, "extension", {"point": "app.moderation.input", "params": params},
                   bot.token)  # fmt: skip
    assert body["flagged"] is True and body["action"] == "overridden"
    assert body["query"] == "这是***的吗" and body["inputs"] == {"topic": "这家店***"}
    params = {"app_id": "a", "text": "欢迎光临"}
    _, body = post(client, "extension", {"point": "app.moderation.output", "params": params},
                   bot.token)  # fmt: skip
    assert body["flagged"] is False and body["action"] == "direct_output"
    params = {"app_id": "a", "text": "最便宜"}
    _, body = post(client, "extension", {"point": "app.moderation.output", "params": params},
                   bot.token)  # fmt: skip
    assert body == {"flagged": True, "action": "overridden", "text": "***"}
