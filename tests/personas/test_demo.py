import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.images import get_image_model

from personas.models import Persona, PersonaChannel
from site_config import roles

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Persona.objects.count(),
        PersonaChannel.objects.count(),
        get_image_model().objects.count(),
        get_user_model().objects.count(),
    )


def test_load_demo_is_idempotent():
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first


def test_demo_has_live_personas_of_different_archetypes_with_images():
    call_command("load_demo", stdout=io.StringIO())
    personas = Persona.objects.live()
    assert personas.count() >= 2
    assert len({p.archetype for p in personas}) >= 2
    for persona in personas:
        assert persona.avatar and persona.cover
        assert persona.avatar.width == persona.avatar.height == 512
        assert persona.channels.exists()
        assert persona.address_terms and persona.banned_words


def test_demo_users_have_their_roles_and_passwords_stay_private_without_debug():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    users = get_user_model().objects
    assert users.get(username="copywriter").groups.filter(name=roles.COPYWRITERS).exists()
    assert users.get(username="manager").groups.filter(name=roles.MANAGERS).exists()
    assert not users.get(username="manager").has_usable_password()
    assert "demo-manager" not in out.getvalue()


def test_demo_prints_passwords_when_debug(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "demo-manager-2026" in out.getvalue()
    assert get_user_model().objects.get(username="manager").check_password("demo-manager-2026")


def test_demo_does_not_overwrite_edits():
    call_command("load_demo", stdout=io.StringIO())
    Persona.objects.filter(slug="xiaomei").update(brand="改过的品牌")
    call_command("load_demo", stdout=io.StringIO())
    assert Persona.objects.get(slug="xiaomei").brand == "改过的品牌"
