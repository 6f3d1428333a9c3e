"""FastGPT's API file library: personas → kinds → scripts, in FastGPT's response shape."""

import json

import pytest

from tests.content.factories import ChatScriptFactory, MomentScriptFactory

pytestmark = pytest.mark.django_db


def call(client, method, path, token, body=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    url = f"/api/v1/fastgpt/v1/file/{path}"
    if method == "post":
        response = client.post(url, json.dumps(body or {}), content_type="application/json",
                               **headers)  # fmt: skip
    else:
        response = client.get(url, params, **headers)
    data = json.loads(response.content)
    assert set(data) == {"code", "success", "message", "data"}
    assert data["code"] == response.status_code and data["success"] == (data["code"] == 200)
    return response, data


def test_the_tree_is_personas_kinds_scripts(client, bot, xiaomei, dr_lin, outsider):
    moment = MomentScriptFactory(persona=xiaomei, title="早安")
    ChatScriptFactory(persona=dr_lin, title="问答")
    MomentScriptFactory(persona=xiaomei, title="草稿", publish=False)
    MomentScriptFactory(persona=outsider, title="外人")
    _, root = call(client, "post", "list", bot.token, {"parentId": None, "searchKey": ""})
    assert [(i["id"], i["type"], i["parentId"]) for i in root["data"]] == [
        ("persona:dr-lin", "folder", None), ("persona:xiaomei", "folder", None)]  # fmt: skip
    for item in root["data"]:
        assert set(item) == {"id", "parentId", "name", "type", "updateTime", "createTime"}
    _, kinds = call(client, "post", "list", bot.token, {"parentId": "persona:xiaomei"})
    assert [i["id"] for i in kinds["data"]] == ["kind:xiaomei:moment"]
    _, files = call(client, "post", "list", bot.token, {"parentId": "kind:xiaomei:moment"})
    assert [(i["id"], i["name"], i["type"]) for i in files["data"]] == [
        (f"script:{moment.pk}", "早安.txt", "file")]  # fmt: skip
    _, content = call(client, "get", "content", bot.token, id=f"script:{moment.pk}")
    assert content["data"]["title"] == "早安" and content["data"]["content"]
    _, read = call(client, "get", "read", bot.token, id=f"script:{moment.pk}")
    assert read["data"]["url"].startswith("http://testserver/admin/")


def test_search_and_what_does_not_exist(client, bot, xiaomei, outsider):
    moment = MomentScriptFactory(persona=xiaomei, title="会员日福利")
    foreign = MomentScriptFactory(persona=outsider, title="会员日外人")
    _, found = call(client, "post", "list", bot.token, {"parentId": None, "searchKey": "会员日"})
    assert [i["id"] for i in found["data"]] == [f"script:{moment.pk}"]
    for parent in ("persona:outsider", "kind:outsider:moment", "kind:xiaomei:nothing", "x"):
        response, body = call(client, "post", "list", bot.token, {"parentId": parent})
        assert response.status_code == 404 and body["data"] is None
    for file_id in (f"script:{foreign.pk}", "script:99999999999999999999", "persona:xiaomei"):
        response, _ = call(client, "get", "content", bot.token, id=file_id)
        assert response.status_code == 404
        response, _ = call(client, "get", "read", bot.token, id=file_id)
        assert response.status_code == 404
    response, body = call(client, "post", "list", "siyu_wrong", {})
    assert response.status_code == 401 and body["message"]


def test_a_search_stays_inside_the_folder_it_is_made_in(client, bot, xiaomei, dr_lin, outsider):
    """`searchKey` searches the folder `parentId` names: a kind folder's own kind, a persona
    folder's persona; a folder the bot cannot list is a 404 with or without a search (a search
    "inside" an unknown folder searched everything)."""
    moment = MomentScriptFactory(persona=xiaomei, title="会员日福利")
    chat = ChatScriptFactory(persona=xiaomei, title="会员日问答")
    ChatScriptFactory(persona=dr_lin, title="会员日答疑")
    MomentScriptFactory(persona=outsider, title="会员日外人")

    def found(parent):
        response, body = call(client, "post", "list", bot.token,
                              {"parentId": parent, "searchKey": "会员日"})  # fmt: skip
        return response.status_code, sorted(item["id"] for item in body["data"] or [])

    assert found("kind:xiaomei:moment") == (200, [f"script:{moment.pk}"])
    assert found("kind:xiaomei:chat") == (200, [f"script:{chat.pk}"])
    assert found("persona:xiaomei") == (200, sorted([f"script:{moment.pk}", f"script:{chat.pk}"]))
    for parent in ("persona:outsider", "kind:outsider:moment", "kind:xiaomei:nothing", "x"):
        assert found(parent) == (404, [])
