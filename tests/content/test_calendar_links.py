"""A script linked from calendar entries cannot move to another persona (admin or import):
the entries would point across personas, and a bot of the entry's persona would be shown a
script it may not read."""

import json

import pytest
from django.urls import reverse

from content.import_run import import_file
from content.models import Script
from tests.editorial_calendar.factories import CalendarEntryFactory
from tests.personas.factories import PersonaChannelFactory, PersonaFactory

from .factories import MomentScriptFactory
from .test_admin import form

pytestmark = pytest.mark.django_db


@pytest.fixture
def xiaomei():
    persona = PersonaFactory(slug="xiaomei", name="小美")
    PersonaChannelFactory(persona=persona, channel="wechat")
    return persona


@pytest.fixture
def dr_lin():
    return PersonaFactory(slug="dr-lin", name="林医生")


@pytest.fixture
def linked(xiaomei):
    script = MomentScriptFactory(persona=xiaomei, external_id="m-1", title="新品上市")
    entry = CalendarEntryFactory(
        persona=xiaomei, script=script, title="双十一预热", status="approved"
    )
    return script, entry


def test_import_refuses_to_move_a_linked_script_and_names_the_entry(linked, dr_lin, tmp_path):
    script, entry = linked
    row = {
        "external_id": "m-1",
        "kind": "moment",
        "persona": "dr-lin",
        "title": "新品上市",
        "stage": "attract",
        "messages": [{"type": "text", "text": "新品到啦"}],
    }
    path = tmp_path / "move.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    result = import_file(path, publish=True)
    assert not result.ok
    [error] = result.errors
    assert error.field == "persona" and f"#{entry.pk}" in error.message
    assert "双十一预热" in error.message
    assert Script.objects.get(pk=script.pk).persona_id == script.persona_id
    # Unlinked first, the move goes through.
    entry.script = None
    entry.save()
    assert import_file(path, publish=True).ok
    assert Script.objects.get(pk=script.pk).persona_id == dr_lin.pk


def test_admin_refuses_to_move_a_linked_script(manager_client, linked, dr_lin):
    script, entry = linked
    url = reverse("wagtailsnippets_content_momentscript:edit", args=[script.pk])
    data = form(dr_lin, messages=[("text", "新品到啦")], variables=[], title="新品上市")
    response = manager_client.post(url, {**data, "action-publish": "1"})
    assert response.status_code == 200
    errors = response.context["form"].errors["persona"]
    assert any(f"#{entry.pk}" in message for message in errors)
    assert Script.objects.get(pk=script.pk).persona_id == script.persona_id


def test_a_script_of_the_same_persona_moves_freely_between_entries(linked, xiaomei):
    script, _entry = linked
    other = MomentScriptFactory(persona=xiaomei)
    other.full_clean()  # no entries: nothing to conflict with
    script.full_clean()  # its entries are its own persona's
