"""The persona preview renders only its own modes: ?mode= never picks another template."""

import pytest
from django.urls import reverse

from .factories import PersonaFactory
from .test_admin import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "mode", ["../../bots/token_created", "../preview/brief", "nope", "profile.html", ""]
)
def test_an_unknown_preview_mode_is_a_404(copywriter_client, mode):
    persona = PersonaFactory(name="小美")
    url = reverse("wagtailsnippets_personas_persona:preview_on_edit", args=[persona.pk])
    assert copywriter_client.post(url, form_data(slug=persona.slug)).json()["is_valid"] is True
    response = copywriter_client.get(url, {"mode": mode})
    assert response.status_code == 404
    page = response.content.decode()
    assert "token" not in page.lower() and "小美" not in page


def test_a_revision_preview_checks_the_mode_too(copywriter, copywriter_client):
    persona = PersonaFactory(name="小美")
    revision = persona.save_revision(user=copywriter)
    view = "wagtailsnippets_personas_persona:revisions_view"
    url = reverse(view, args=[persona.pk, revision.pk])
    assert copywriter_client.get(url, {"mode": "brief"}).status_code == 200
    assert copywriter_client.get(url, {"mode": "../../bots/token_created"}).status_code == 404
