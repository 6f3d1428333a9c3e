"""`load_demo`: complete, idempotent, keeps edits. One load per test: it takes seconds."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.images import get_image_model

from content.lint import errors, lint
from content.models import Script
from core import roles
from personas import demo as personas_demo
from personas.models import Persona, PersonaChannel

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Persona.objects.count(),
        PersonaChannel.objects.count(),
        get_image_model().objects.count(),
        get_user_model().objects.count(),
        Script.objects.count(),
        sum(s.revisions.count() for s in Script.objects.all()),
    )


def test_load_demo_is_complete_idempotent_and_keeps_edits():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = _counts()

    personas = Persona.objects.live()
    assert personas.count() >= 2
    assert len({p.archetype for p in personas}) >= 2
    for persona in personas:
        assert persona.avatar and persona.cover
        assert persona.avatar.width == persona.avatar.height == 512
        assert persona.channels.exists()
        assert persona.address_terms and persona.banned_words
        for kind in ("moment", "group", "livestream", "chat"):
            live = Script.objects.live().filter(persona=persona, kind=kind)
            assert live.count() >= 5, (persona.slug, kind)

    published = [s.as_kind() for s in Script.objects.live().select_related("persona")]
    assert all(errors(lint(s)) == [] for s in published)
    assert any(lint(s) for s in published), "some demo scripts show lint warnings"
    drafts = Script.objects.filter(live=False)
    assert drafts.exists() and any(errors(lint(s.as_kind())) for s in drafts)

    # Sequences (sequences/demo.py): all four published; the camp runs its 21 days.
    from sequences import schedule
    from sequences.models import Sequence

    assert Sequence.objects.live().count() == 4
    camp = Sequence.objects.get(slug="fat-loss-camp-21d")
    whole = schedule.due(camp, camp.start_at, camp.start_at + timedelta(days=21))
    assert len(whole.steps) == len(camp.steps) and whole.next_due_at is None

    users = get_user_model().objects
    assert users.get(username="copywriter").groups.filter(name=roles.COPYWRITERS).exists()
    assert users.get(username="manager").groups.filter(name=roles.MANAGERS).exists()
    assert not users.get(username="manager").has_usable_password()
    assert "demo-manager" not in out.getvalue()

    Persona.objects.filter(slug="xiaomei").update(brand="改过的品牌")
    Script.objects.filter(external_id="demo-xiaomei-moment-01").update(title="改过的标题")
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first
    assert Persona.objects.get(slug="xiaomei").brand == "改过的品牌"
    assert Script.objects.get(external_id="demo-xiaomei-moment-01").title == "改过的标题"


def test_demo_prints_passwords_only_when_debug(settings):
    settings.DEBUG = True
    out = io.StringIO()
    personas_demo.load_users(out)
    assert "demo-manager-2026" in out.getvalue()
    assert get_user_model().objects.get(username="manager").check_password("demo-manager-2026")
