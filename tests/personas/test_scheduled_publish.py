"""Scheduled publishing (manage.py publish_scheduled) next to editors publishing by hand."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision

from personas.models import Persona

from .factories import PersonaFactory
from .test_admin import form_data

pytestmark = pytest.mark.django_db


def edit_url(persona):
    return reverse("wagtailsnippets_personas_persona:edit", args=[persona.pk])


def schedule_from_the_admin(client, persona, name: str) -> Revision:
    go_live = timezone.localtime() + timedelta(days=1)
    data = form_data(name=name, slug=persona.slug, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    response = client.post(edit_url(persona), {**data, "action-publish": "publish"})
    assert response.status_code == 302, response.context["form"].errors
    return Revision.objects.get(approved_go_live_at__isnull=False, object_id=str(persona.pk))


def time_passes(revision: Revision) -> Revision:
    """The scheduled moment is now a minute ago."""
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    return revision


def test_a_scheduled_persona_goes_live_when_due(manager_client):
    persona = PersonaFactory(name="小美")
    scheduled = schedule_from_the_admin(manager_client, persona, "小美（新版）")
    assert Persona.objects.get(pk=persona.pk).name == "小美"
    time_passes(scheduled)
    call_command("publish_scheduled", verbosity=0)
    persona.refresh_from_db()
    assert (persona.name, persona.live_revision_id) == ("小美（新版）", scheduled.pk)
    assert not persona.has_unpublished_changes


def test_a_schedule_cancelled_while_the_command_runs_is_not_published(manager_client):
    """publish_scheduled lists the due revisions, then publishes them one by one; a manager who
    cancels the schedule in between has the last word."""
    persona = PersonaFactory(name="小美")
    live_before = Persona.objects.get(pk=persona.pk).live_revision_id
    due = time_passes(schedule_from_the_admin(manager_client, persona, "定时版"))
    listed = Revision.objects.get(pk=due.pk)  # what the command holds in memory
    cancel = reverse(
        "wagtailsnippets_personas_persona:revisions_unschedule", args=[persona.pk, due.pk]
    )
    assert manager_client.post(cancel).status_code == 302
    listed.publish(log_action="wagtail.publish.scheduled")
    persona.refresh_from_db()
    assert (persona.name, persona.live_revision_id) == ("小美", live_before)
    call_command("publish_scheduled", verbosity=0)
    persona.refresh_from_db()
    assert persona.name == "小美"
