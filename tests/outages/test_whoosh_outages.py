"""A Whoosh index that is lost, corrupt, or recreated by a save (file-level, no server).

Missing or unreadable: search is a 503 with Retry-After (API) and /health names the index.
Lost and then recreated by an ordinary save: searches answer from what is there, but the
index is marked incomplete — /health and `search_index check` say so — until a full rebuild.
"""

from __future__ import annotations

import shutil

import pytest
from django.core.management import CommandError, call_command

from bots.models import BotClient
from tests.api.conftest import Api, assert_problem, body
from tests.editorial_calendar.factories import HotTopicFactory

pytestmark = pytest.mark.django_db

SEARCH_CHECKS = ("search", "search_scripts", "search_personas", "search_hot_topics",
                 "search_sequences", "search_calendar_entries")  # fmt: skip


@pytest.fixture
def index_path(tmp_path, settings):
    path = tmp_path / "whoosh"
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.whoosh", "PATH": str(path), "AUTO_UPDATE": True}
    }
    return path


@pytest.fixture
def scripts(index_path, django_capture_on_commit_callbacks):
    from tests.content.factories import MomentScriptFactory
    from tests.personas.factories import PersonaFactory

    with django_capture_on_commit_callbacks(execute=True):  # as if each save committed
        persona = PersonaFactory(slug="xiaomei", name="小美")
        return [
            MomentScriptFactory(
                persona=persona, title=f"会员日福利{n}", messages=[("text", "会员日")]
            )
            for n in range(10)
        ]


@pytest.fixture
def api(client, scripts):
    _bot, token = BotClient.create("search-bot", all_personas=True)
    return Api(client, token)


def search_checks(client) -> tuple[int, dict]:
    response = client.get("/api/v1/health")
    checks = body(response)["checks"]
    return response.status_code, {name: checks[name] for name in SEARCH_CHECKS}


def found(api) -> int:
    response = api.get("search/", {"q": "会员日", "limit": 100})
    assert response.status_code == 200, response.content
    return sum(1 for hit in body(response)["items"] if hit["type"] == "script")


def test_a_lost_index_comes_back_incomplete_until_rebuilt(
    index_path, scripts, api, client, capsys, django_capture_on_commit_callbacks
):
    call_command("search_index", "rebuild", stdout=None)
    assert search_checks(client) == (200, dict.fromkeys(SEARCH_CHECKS, "ok"))
    assert found(api) == 10

    shutil.rmtree(index_path)  # the folder is lost
    status, checks = search_checks(client)
    assert status == 503
    assert checks["search_scripts"] == "missing" and checks["search"] == "missing"
    response = api.get("search/", {"q": "会员日"})
    assert_problem(response, 503, "unavailable")
    assert int(response["Retry-After"]) > 0

    # Editors carry on: ordinary saves recreate each index with what they save. The persona
    # and the hot topic are all there is of their kind (complete); the scripts' index holds
    # one script of ten.
    # (Whoosh is written when the database commits: run the commit callbacks.)
    with django_capture_on_commit_callbacks(execute=True):
        scripts[0].title = "会员日福利（改）"
        scripts[0].save()
        scripts[0].persona.save()
        HotTopicFactory(name="双十一")
    assert found(api) == 1  # search keeps working, partially
    status, checks = search_checks(client)
    assert status == 503
    assert checks == {
        "search": "missing",
        "search_scripts": "incomplete",
        "search_personas": "ok",
        "search_hot_topics": "ok",
        "search_sequences": "missing",
        "search_calendar_entries": "missing",
    }  # fmt: skip  (no sequence or entry saved)
    with pytest.raises(CommandError):
        call_command("search_index", "check")
    assert "content.Script: the index was lost and recreated by a save" in capsys.readouterr().out

    call_command("search_index", "rebuild")
    assert search_checks(client) == (200, dict.fromkeys(SEARCH_CHECKS, "ok"))
    assert found(api) == 10
    call_command("search_index", "check")


def test_the_first_save_on_a_new_site_is_a_complete_index(
    index_path, client, django_capture_on_commit_callbacks
):
    from tests.content.factories import MomentScriptFactory
    from tests.personas.factories import PersonaFactory

    with django_capture_on_commit_callbacks(execute=True):
        MomentScriptFactory(persona=PersonaFactory(), title="第一条")
    assert search_checks(client)[1]["search_scripts"] == "ok"


def test_a_corrupt_index_is_503_and_health_names_it(index_path, api, client, manager_client):
    call_command("search_index", "rebuild")
    for toc in index_path.glob("_content.script_*.toc"):
        toc.write_bytes(b"not an index")
    response = api.get("search/", {"q": "会员日"})
    assert_problem(response, 503, "unavailable")
    assert int(response["Retry-After"]) > 0
    status, checks = search_checks(client)
    assert status == 503 and checks["search_scripts"] == "corrupt"
    page = manager_client.get("/admin/snippets/content/momentscript/", {"q": "会员日"})
    assert page.status_code == 503 and int(page["Retry-After"]) > 0

    call_command("search_index", "rebuild")
    assert found(api) == 10
