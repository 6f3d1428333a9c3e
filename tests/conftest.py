import pytest
from django.contrib.auth.models import Group

from core import roles


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
