"""PostgreSQL stopped under a running site: a throwaway server of this module's own (never the
shared one), stopped for real. The API answers 503 problem documents with Retry-After, the
admin a 503 page, /health names the database; once the server is back, everything works."""

from __future__ import annotations

import json

import pytest

from bots import credentials
from tests.api.conftest import Api, assert_problem

from .conftest import event_body, make_content
from .services import PostgresServer, create_schema, default_database

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def server(django_db_blocker):
    server = PostgresServer()
    try:
        server.start()
        with django_db_blocker.unblock():
            create_schema(server.settings())
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def database(server, db, whoosh_search):
    with default_database(server.settings()):
        yield server


def test_postgres_down_is_503_with_retry_after_and_health_says_so(database, client,
                                                                  django_user_model):  # fmt: skip
    from django.db import close_old_connections, connection

    assert connection.vendor == "postgresql" and connection.settings_dict["PORT"] != "5432"
    _persona, script, _bot, token = make_content()
    api = Api(client, token)
    editor = django_user_model.objects.create_superuser("boss", password="pw")
    before = api.get("personas/")
    assert before.status_code == 200
    response = client.get("/api/v1/health")
    checks = json.loads(response.content)["checks"]
    assert checks["database"] == "ok" and checks["database_write"] == "ok"
    client.force_login(editor)

    database.stop()
    try:
        # An answer cached whole in the shared cache (token check, generation and answer all in
        # Redis) is still served: nothing can have changed while the database is down.
        cached = api.get("personas/")
        if credentials.shared():
            assert cached.status_code == 200 and cached.content == before.content
        else:
            assert_problem(cached, 503, "unavailable")
        for response in (
            api.get(f"scripts/{script.pk}/"),
            api.get("search/", {"q": "会员日"}),
            api.post("events/", event_body(script)),
        ):
            doc = assert_problem(response, 503, "unavailable")
            assert int(response["Retry-After"]) > 0
            assert "Traceback" not in doc["detail"]
        response = client.get("/api/v1/health")
        doc = assert_problem(response, 503, "unavailable")
        assert doc["checks"]["database"] == "error"
        assert int(response["Retry-After"]) > 0

        page = client.get("/admin/")  # the session is read from the database
        assert page.status_code == 503
        assert int(page["Retry-After"]) > 0
        assert page["Content-Type"].startswith("text/html")
        assert b"Traceback" not in page.content
    finally:
        database.start()

    # A server closes unusable connections as each request starts (the test client does not):
    # the next request connects again.
    close_old_connections()
    assert api.get("personas/").status_code == 200
