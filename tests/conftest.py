import pytest
from django.contrib.auth.models import Group

from core import local, roles


@pytest.fixture(autouse=True)
def _fresh_local_copies():
    """Per-process copies of cached answers (core/local.py) are keyed by the delivery
    generation, whose database row rolls back with each test: forget them between tests."""
    local.clear()
    yield
    local.clear()


@pytest.fixture
def make_user(django_user_model):
    def make(username: str, *groups: str, superuser: bool = False):
        user = django_user_model.objects.create_user(
            username=username, password="pw", is_superuser=superuser, is_staff=superuser
        )
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        return user

    return make


@pytest.fixture
def copywriter(make_user):
    return make_user("copywriter", roles.COPYWRITERS)


@pytest.fixture
def manager(make_user):
    return make_user("manager", roles.MANAGERS)


@pytest.fixture
def copywriter_client(client, copywriter):
    client.force_login(copywriter)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def pytest_collection_modifyitems(items):
    """Transactional tests flush the database afterwards. Without serialized rollback the flush
    recreates content types and permissions with new ids, and the data migrations' groups and
    workflow are gone, so a later test that restores the serialized data collides (IntegrityError)
    or runs without roles. Every transactional test therefore uses serialized_rollback=True."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: use @pytest.mark.django_db(transaction=True, "
                "serialized_rollback=True) (see tests/conftest.py)"
            )


#: The search backends the contract tests run on (the `search_backend` fixture).
SEARCH_BACKENDS = ("database", "whoosh")


@pytest.fixture(params=SEARCH_BACKENDS)
def search_backend(request, tmp_path, monkeypatch):
    """Run the test once per search backend: the test settings' database backend, then the
    Whoosh backend (the embedded default users get) on an index folder of the test's own.

    For Whoosh, the indexes of every registered searchable type are created (holding what the
    database has) and saves are indexed as they happen: the test's transaction never commits,
    so the after-commit indexing (tests/search/test_index_after_commit.py) would never run."""
    if request.param == "database":
        yield request.param
        return
    from django.apps import apps
    from django.test import override_settings
    from wagtail.search.backends import get_search_backend

    from core import search_types
    from search.backends.after_commit import IndexAfterCommit

    monkeypatch.setattr(IndexAfterCommit, "_defer", lambda self, model, pks, alias: False)
    whoosh = {
        "BACKEND": "search.backends.whoosh",
        "PATH": str(tmp_path / "whoosh"),
        "AUTO_UPDATE": True,
    }
    with override_settings(WAGTAILSEARCH_BACKENDS={"default": whoosh}):
        backend = get_search_backend()
        for search_type in search_types.registered():
            model = apps.get_model(search_type.model)
            index = backend.get_index_for_model(model)
            index.add_model(model)
            index.add_items(model, list(model.get_indexed_objects()))
        yield request.param


#: The key prefix of the throwaway Redis cache (`redis` fixture), for a second cache client.
THROWAWAY_REDIS_PREFIX = "siyu-throwaway-test"


@pytest.fixture(scope="module")
def redis_server():
    """A throwaway redis-server of the module's own on a free loopback port (never the shared
    one; tests/outages/services.py), removed after the module."""
    from tests.outages.services import RedisServer

    server = RedisServer()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def redis(redis_server, settings):
    """The default cache on the throwaway Redis (started again if an earlier test stopped it),
    emptied before and after the test; the server, for `.url` and `.stop()`."""
    from django.core.cache import cache

    if redis_server.process is None:
        redis_server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": THROWAWAY_REDIS_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    cache.clear()
    yield redis_server
    if redis_server.process is not None:  # a test may leave it stopped
        cache.clear()
