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
