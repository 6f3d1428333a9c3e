"""Each app registers its searchable types (core.search_types); search names none of them."""

import pytest
from django.apps import apps

from core import search_types
from search import health
from search.query import search
from tests.content.factories import MomentScriptFactory
from tests.personas.factories import PersonaFactory


def test_scripts_personas_and_hot_topics_are_registered_in_order():
    assert [t.name for t in search_types.registered()] == [
        "script",
        "persona",
        "hot_topic",
        "sequence",
        "calendar_entry",
    ]
    for search_type in search_types.registered():
        apps.get_model(search_type.model)  # a real model


def test_health_checks_every_registered_index():
    assert health.indexes() == {
        "scripts": "content.Script",
        "personas": "personas.Persona",
        "hot_topics": "editorial_calendar.HotTopic",
        "sequences": "sequences.Sequence",
        "calendar_entries": "editorial_calendar.CalendarEntry",
    }


@pytest.mark.django_db
def test_a_registered_type_is_searched_and_can_be_left_out(monkeypatch):
    """A type registered by another app is searched like the others (here: personas again,
    under another name) without a change to search."""
    monkeypatch.setattr(search_types, "_types", dict(search_types._types))
    persona = search_types.get("persona")
    search_types.register(
        search_types.SearchType(
            name="persona_again",
            model=persona.model,
            index_name="personas_again",
            candidates=persona.candidates,
            title=persona.title,
            describe=persona.describe,
            order=40,
        )
    )
    xiaomei = PersonaFactory(slug="xiaomei", name="小美", positioning="敏感肌护肤")
    MomentScriptFactory(persona=xiaomei, title="敏感肌护理")
    found = [(h.type, h.title) for h in search("敏感肌")]
    assert ("persona_again", "小美") in found and ("persona", "小美") in found
    assert {h.type for h in search("敏感肌", types=("script",))} == {"script"}
    assert search("敏感肌", persona_ids=[], types=("script", "persona")) == []
