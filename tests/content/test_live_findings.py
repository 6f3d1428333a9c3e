"""Findings while typing: the editor posts its unsaved form; the answer is what the save banner
would say (content.gates), and nothing is saved."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from wagtail.models import Revision

from content.models import MomentScript, Script

from .factories import MomentScriptFactory
from .test_admin import form, persona, url  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

BANNED = [("text", "宝子们，这款药妆全网最好")]


def check(client, *args, **data):
    path = (
        url(MomentScript, "live_findings", *args)
        if args
        else url(MomentScript, "live_findings_new")
    )
    return client.post(path, data, headers={"x-requested-with": "XMLHttpRequest"})  # as the JS


def test_a_new_draft_shows_its_findings_without_being_saved(copywriter_client, persona):  # noqa: F811
    response = check(copywriter_client, **form(persona, messages=BANNED, variables=[]))
    assert response.status_code == 200
    answer = response.json()
    assert answer["errors"] >= 2
    terms = {finding["term"] for finding in answer["findings"]}
    assert {"药妆", "最好"} <= terms
    assert "<mark>最好</mark>" in answer["html"]
    assert not Script.objects.exists()


def test_an_edit_is_checked_as_typed_and_nothing_changes(copywriter_client, persona):  # noqa: F811
    script = MomentScriptFactory(persona=persona, title="上新", messages=[("text", "宝子们冲鸭")],
                                 publish=False)  # fmt: skip
    revisions = Revision.objects.count()
    fine = form(persona, variables=[], messages=[("text", "宝子们冲鸭")])
    clean = check(copywriter_client, script.pk, **fine)
    assert clean.json()["errors"] == 0
    dirty = check(copywriter_client, script.pk, **form(persona, messages=BANNED, variables=[]))
    assert dirty.json()["errors"] >= 2
    script.refresh_from_db()
    assert script.title == "上新" and "冲鸭" in script.search_text
    assert Revision.objects.count() == revisions


def test_it_runs_the_same_lint_as_the_save_banner(copywriter_client, persona):  # noqa: F811
    """The live answer's errors are the banner's count after saving the same form."""
    data = form(persona, messages=BANNED, variables=[])
    live = check(copywriter_client, **data).json()
    copywriter_client.post(url(MomentScript, "add"), data)
    from content.gates import blocking

    assert live["errors"] == len(blocking(MomentScript.objects.get()))


def test_without_a_persona_or_with_bad_fields_it_answers_clearly(copywriter_client, persona):  # noqa: F811
    answer = check(copywriter_client, **{**form(persona, messages=BANNED), "persona": ""}).json()
    assert answer["findings"] == [] and answer["partial"] is True
    # Nothing was checked: the box asks for a persona and says nothing of "last saved".
    assert "选择人设后" in answer["html"] and "上次保存" not in answer["html"]
    untitled = check(copywriter_client, **{**form(persona, messages=BANNED), "title": ""}).json()
    assert untitled["errors"] >= 2 and "上次保存" not in untitled["html"]  # a new one: never saved
    script = MomentScriptFactory(persona=persona, title="上新", publish=False)
    edited = check(copywriter_client, script.pk, **{**form(persona, messages=BANNED), "title": ""})
    assert "上次保存" in edited.json()["html"]  # the saved title is what was checked
    garbage = check(copywriter_client, title="x" * 500, persona="nope")
    assert garbage.status_code == 400 and garbage.json()["error"]
    wrong = check(copywriter_client, **{**form(persona, messages=BANNED), "persona": "nope"})
    assert wrong.json()["partial"] is True  # a bad persona: no findings, no error


def test_csrf_and_permissions(copywriter, make_user, persona):  # noqa: F811
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(copywriter)
    assert check(strict, **form(persona, messages=BANNED)).status_code == 403  # no token
    reader = make_user("reader")
    reader.user_permissions.add(Permission.objects.get(codename="access_admin"),
                                Permission.objects.get(codename="view_momentscript"))  # fmt: skip
    client = Client()
    client.force_login(reader)
    script = MomentScriptFactory(persona=persona)
    assert check(client, **form(persona)).status_code == 403
    assert check(client, script.pk, **form(persona)).status_code == 403
    assert Client().post(url(MomentScript, "live_findings_new"), {}).status_code == 302  # login
    assert copywriter_client_get_is_refused(copywriter)


def copywriter_client_get_is_refused(user):
    client = Client()
    client.force_login(user)
    return client.get(url(MomentScript, "live_findings_new")).status_code == 405


def test_the_editor_carries_the_check(copywriter_client, persona):  # noqa: F811
    page = copywriter_client.get(url(MomentScript, "add")).content.decode()
    assert f'data-live-findings-url="{url(MomentScript, "live_findings_new")}"' in page
    assert "content/live_findings.js" in page
