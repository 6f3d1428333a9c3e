"""The OpenAPI document is served, lists the contract, and matches what the API returns:
a schemathesis run (bounded, deterministic) finds no server error and no response that
disagrees with the document — also with a NUL character in each path and query parameter,
and for the public ICS feed (described by a small document of its own)."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from editorial_calendar.models import FeedToken
from tests.content.factories import ChatScriptFactory, GroupScriptFactory, variable
from tests.editorial_calendar.factories import CalendarEntryFactory, HotTopicFactory
from tests.personas.factories import PersonaChannelFactory
from tests.sequences.factories import SequenceFactory, day

pytestmark = pytest.mark.django_db
EXAMPLES = 30  # per operation; derandomized, so every run sends the same requests
# One hypothesis profile for every fuzzed operation: bounded, repeatable, no example database.
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

CONTRACT = {
    ("get", "/api/v1/health"),
    ("get", "/api/v1/personas/"),
    ("get", "/api/v1/personas/{slug}/"),
    ("get", "/api/v1/scripts/"),
    ("get", "/api/v1/scripts/{script_id}/"),
    ("post", "/api/v1/scripts/{script_id}/render"),
    ("get", "/api/v1/calendar/"),
    ("get", "/api/v1/hot-topics/"),
    ("get", "/api/v1/search/"),
    ("post", "/api/v1/events/"),
    ("post", "/api/v1/compliance/check"),
    ("post", "/api/v1/scripts/{script_id}/render-flat"),
    ("post", "/api/v1/dify/retrieval"),
    ("post", "/api/v1/dify/extension"),
    ("post", "/api/v1/fastgpt/v1/file/list"),
    ("get", "/api/v1/fastgpt/v1/file/content"),
    ("get", "/api/v1/fastgpt/v1/file/read"),
    ("get", "/api/v1/sequences/"),
    ("get", "/api/v1/sequences/{slug}/"),
    ("get", "/api/v1/sequences/{slug}/due"),
}

# Operations whose only inputs are free strings (or nothing): negative generation has nothing to
# break there (and hypothesis reports "unsatisfiable").
ANY_INPUT_IS_VALID = {"/api/v1/health", "/api/v1/personas/{slug}/", "/api/v1/sequences/{slug}/"}


def test_openapi_document_and_docs_are_public(anonymous):
    response = anonymous.get("openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    operations = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert operations == CONTRACT
    assert document["components"]["securitySchemes"]["BotTokenAuth"]["scheme"] == "bearer"
    docs = anonymous.get("docs")
    assert docs.status_code == 200 and b"openapi.json" in docs.content


@pytest.fixture
def content(xiaomei):
    """Demo-like content so that ids and slugs in generated requests can resolve."""
    PersonaChannelFactory(persona=xiaomei, channel="wechat")
    GroupScriptFactory(
        persona=xiaomei,
        variables=[variable("nickname")],
        messages=[("text", "欢迎{{nickname}}"), ("delay", {"seconds": 3})],
    )
    chat = ChatScriptFactory(persona=xiaomei, title="会员日问答")
    HotTopicFactory(slug="member-day", name="会员日")
    CalendarEntryFactory(persona=xiaomei, script=chat, status="approved")
    SequenceFactory(persona=xiaomei, slug="camp", steps=[day(0, script=chat), day(1, "09:00")])


@pytest.fixture
def wsgi_app():
    """The real WSGI application, kept from closing the test's database connection after each
    request (as Django's test client does), so the requests see the test's data on PostgreSQL."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), sorted(CONTRACT))
def test_no_server_errors_and_responses_match_the_document(
    bot, content, wsgi_app, method, path, mode
):
    """Positive: requests the document allows; negative: requests it forbids (wrong types,
    out-of-range numbers, unknown enum values, malformed bodies), which must get a 4xx."""
    if path in ANY_INPUT_IS_VALID and mode == GenerationMode.NEGATIVE:
        pytest.skip("no parameter can be invalid here, so there is nothing invalid to send")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    operation = schema[path][method.upper()]

    auth = {"Authorization": f"Bearer {bot.token}"}

    @given(case=operation.as_strategy(generation_mode=mode, headers=auth))
    @FUZZ
    def check(case):
        cache.clear()  # the rate limit is tested elsewhere
        # Schema-valid requests may still be refused with 422 where parameters depend on each
        # other (`to` before `from`, a span over 366 days, a blank `q`), so that check is off.
        case.call_and_validate(
            excluded_checks=[positive_data_acceptance],
        )

    check()


def _nul_cases(operation):
    """(parameter, Case arguments) for each path and query parameter of `operation`: that
    parameter holds a NUL character, the other required ones a plain value."""
    plain = {"query": {p.name: "1" for p in operation.query if p.is_required},
             "path_parameters": {p.name: "1" for p in operation.path_parameters}}  # fmt: skip
    if operation.method.upper() == "POST":
        plain["body"] = {"variables": {}}
    for location in ("path_parameters", "query"):
        for parameter in getattr(operation, location):
            nul = {**plain[location], parameter.name: "xiao\x00mei"}
            yield parameter.name, {**plain, location: nul}


@pytest.mark.parametrize(("method", "path"), sorted(CONTRACT))
def test_nul_in_any_parameter_is_a_4xx_that_matches_the_document(
    bot, content, wsgi_app, method, path
):
    """PostgreSQL cannot compare text with NUL: a parameter holding one must be refused before
    it reaches the database (422 naming it), or not resolve at all (404 for an integer id)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    operation = schema[path][method.upper()]
    for name, data in _nul_cases(operation):
        cache.clear()
        case = operation.Case(headers={"Authorization": f"Bearer {bot.token}"}, **data)
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        assert response.status_code in {404, 422}, (name, response.status_code)


def _feed_document(token: str) -> dict:
    """The ICS feed as OpenAPI, so that schemathesis can generate requests for it."""
    text = {"schema": {"type": "string"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Calendar feed", "version": "1"},
        "paths": {
            "/calendar/{token}.ics": {
                "get": {
                    "parameters": [
                        {
                            "name": "token",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "minLength": 1},
                            "example": token,
                        },
                        {
                            "name": "persona",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                            "example": "xiaomei",
                        },
                    ],  # fmt: skip
                    "responses": {
                        "200": {"description": "iCalendar", "content": {"text/calendar": text}},
                        "400": {"description": "NUL", "content": {"text/plain": text}},
                        "404": {"description": "Unknown", "content": {"text/html": text}},
                    },
                }
            }
        },
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_calendar_feed_never_fails(content, manager, wsgi_app, mode):
    token = FeedToken.for_user(manager).token
    schema = schemathesis.openapi.from_dict(_feed_document(token))
    schema.app = wsgi_app
    operation = schema["/calendar/{token}.ics"]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @FUZZ
    def check(case):
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    check()
    for persona in ("xiaomei", "xiao\x00mei", "nobody"):
        case = operation.Case(path_parameters={"token": token}, query={"persona": persona})
        case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_every_get_has_an_etag_and_a_304(anonymous, client, bot, xiaomei):
    """API.md: every GET returns an ETag; If-None-Match with it → 304 with no body. The views'
    own ETags aside, the OpenAPI document, the docs page and FastGPT's file reads get their
    body's hash."""
    from tests.content.factories import MomentScriptFactory

    moment = MomentScriptFactory(persona=xiaomei, title="早安")
    token = {"HTTP_AUTHORIZATION": f"Bearer {bot.token}"}
    fastgpt = "/api/v1/fastgpt/v1/file/"
    for path, headers in (
        ("/api/v1/openapi.json", {}),
        ("/api/v1/docs", {}),
        (f"{fastgpt}content?id=script:{moment.pk}", token),
        (f"{fastgpt}read?id=script:{moment.pk}", token),
    ):
        first = client.get(path, **headers)
        assert first.status_code == 200 and first["ETag"].startswith('"'), path
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"], **headers)
        assert again.status_code == 304 and again.content == b"", path
