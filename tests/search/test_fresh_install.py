"""A fresh installation has working search before anything is saved; a lost index of a model
that has objects is not papered over with an empty one."""

import pytest
from django.test import override_settings
from wagtail.search.backends import get_search_backend

from content.models import Script
from search import signal_handlers
from search.health import check_indexes
from tests.personas.factories import PersonaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_whoosh(tmp_path):
    settings = {"default": {"BACKEND": "search.backends.whoosh", "PATH": str(tmp_path / "ix")}}
    with override_settings(WAGTAILSEARCH_BACKENDS=settings):
        yield get_search_backend()


def test_migrate_gives_a_fresh_installation_empty_complete_indexes(empty_whoosh):
    assert set(check_indexes().values()) == {"missing"}
    signal_handlers.create_empty_indexes()
    assert set(check_indexes().values()) == {"ok"}
    assert list(empty_whoosh.search("会员日", Script)) == []


def test_a_lost_index_of_a_model_with_objects_stays_missing(empty_whoosh):
    PersonaFactory(slug="xiaomei")  # a persona exists, but the index folder is empty
    created = signal_handlers.create_empty_indexes()
    assert "personas.Persona" not in created
    assert check_indexes()["personas"] == "missing"
    assert check_indexes()["scripts"] == "ok"
