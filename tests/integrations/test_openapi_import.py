"""The OpenAPI document read the way Coze's and Dify's tool importers read it: an absolute
server, ASCII operation ids with summaries, and a render whose inputs are flat primitives."""

import json

import pytest

from tests.content.factories import MomentScriptFactory, variable

pytestmark = pytest.mark.django_db
PRIMITIVES = {"string", "number", "integer", "boolean"}


def resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def tools(document):
    """What an importer makes of the document: one tool per operation, named by its id, with
    the top-level fields of its parameters and JSON body."""
    base = document["servers"][0]["url"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            fields = {p["name"]: p["schema"] for p in operation.get("parameters", [])}
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                fields.update(resolve(document, body["schema"]).get("properties", {}))
            yield operation["operationId"], method, base + path, operation["summary"], fields


def test_the_document_imports_as_tools(anonymous, settings):
    document = json.loads(anonymous.get("openapi.json").content)
    assert document["servers"][0]["url"].startswith(("http://", "https://"))
    found = {}
    for operation_id, _method, url, summary, fields in tools(document):
        assert operation_id.isascii() and operation_id.isidentifier() and summary
        assert url.startswith(settings.WAGTAILADMIN_BASE_URL + "/api/v1/")
        found[operation_id] = fields
    flat = found["render_script_flat"]
    assert set(flat) == {"script_id", "variables_json", "format"}
    for name, schema in flat.items():
        schema = resolve(document, schema)
        assert schema.get("type") in PRIMITIVES or schema.get("enum"), name


def test_the_flat_render_takes_variables_as_a_json_string(api, xiaomei):
    script = MomentScriptFactory(
        persona=xiaomei, messages=[("text", "{{nickname}}，早")], variables=[variable("nickname")]
    )
    path = f"scripts/{script.pk}/render-flat"
    response = api.post(path, {"variables_json": '{"nickname": "小鹿"}', "format": "text"})
    assert response.status_code == 200, response.content
    assert "小鹿，早" in json.loads(response.content)["text"]
    expected = api.post(
        f"scripts/{script.pk}/render?format=text", {"variables": {"nickname": "小鹿"}}
    )
    assert json.loads(response.content) == json.loads(expected.content)
    for bad in ("[1]", '{"nickname": 3}', "{"):
        response = api.post(path, {"variables_json": bad})
        assert response.status_code == 422
        assert json.loads(response.content)["errors"][0]["loc"] == ["variables_json"]
    response = api.post(path, {"variables_json": "{}"})
    assert json.loads(response.content)["code"] == "missing_variables"
