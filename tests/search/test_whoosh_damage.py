"""Only a damaged index is reported as "corrupt, rebuild it"; a bug in our code is a bug (a 500
with its traceback), and the Whoosh backend runs only on the Whoosh version it was written for."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from core import outages
from search.backends import whoosh_patches, whoosh_topk
from search.backends.whoosh_state import IndexCorrupt, is_damage
from search.backends.whoosh_storage import forget_searcher

pytestmark = pytest.mark.django_db


@pytest.fixture
def whoosh(tmp_path):
    from wagtail.search.backends import get_search_backend

    from tests.content.factories import MomentScriptFactory
    from tests.personas.factories import PersonaFactory

    path = tmp_path / "ix"
    config = {"BACKEND": "search.backends.whoosh", "PATH": str(path), "AUTO_UPDATE": False}
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": config}):
        from content.models import Script

        MomentScriptFactory(persona=PersonaFactory(), title="燕窝礼盒")
        backend = get_search_backend()
        index = backend.get_index_for_model(Script)
        index.add_model(Script)
        index.add_items(Script, list(Script.get_indexed_objects()))
        yield backend, path


def test_a_bug_in_our_code_is_not_a_corrupt_index(whoosh, monkeypatch):
    from content.models import Script

    backend, _path = whoosh

    def buggy(searcher, plan):
        return None + 1  # a TypeError raised in our code, not in Whoosh

    monkeypatch.setattr(whoosh_topk, "scores", buggy)
    with pytest.raises(TypeError) as caught:
        list(backend.search("燕窝", Script))
    assert not isinstance(caught.value, IndexCorrupt)
    assert not is_damage(caught.value)
    assert outages.classify(caught.value) is None  # a 500, not "unavailable, rebuild"


def test_damaged_segment_files_are_a_corrupt_index(whoosh):
    from content.models import Script

    backend, path = whoosh
    assert [s.title for s in backend.search("燕窝", Script)] == ["燕窝礼盒"]
    forget_searcher(str(path), "content.script")  # as in a process started afterwards
    for file in path.glob("content.script_*.*"):  # postings, terms, stored fields, lengths
        file.write_bytes(b"\x00garbage" * 8)
    with pytest.raises(IndexCorrupt, match="search_index rebuild") as caught:
        list(backend.search("燕窝", Script))
    assert outages.classify(caught.value).dependency == "search"


def test_another_whoosh_version_is_refused_with_a_clear_error(monkeypatch):
    import whoosh

    monkeypatch.setattr(whoosh, "__version__", (2, 7, 5))
    monkeypatch.setattr(whoosh, "versionstring", lambda: "2.7.5")
    with pytest.raises(ImproperlyConfigured, match=r"written for Whoosh 2\.7\.4.*2\.7\.5"):
        whoosh_patches.check_version()
