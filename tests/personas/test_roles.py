"""Groups, permissions and the moderation workflow created by the data migration."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from wagtail.models import WorkflowContentType

from core import roles
from personas.models import Persona

pytestmark = pytest.mark.django_db


def test_copywriters_write_and_submit_but_cannot_publish(copywriter):
    assert copywriter.has_perm("wagtailadmin.access_admin")
    assert copywriter.has_perm("personas.add_persona")
    assert copywriter.has_perm("personas.change_persona")
    assert not copywriter.has_perm("personas.publish_persona")
    assert not copywriter.has_perm("personas.delete_persona")
    assert not copywriter.has_perm("personas.change_audiencesegment")


def test_managers_also_publish_delete_and_manage_segments(manager):
    for perm in ("publish", "delete", "lock", "unlock", "change"):
        assert manager.has_perm(f"personas.{perm}_persona")
    assert manager.has_perm("personas.add_audiencesegment")


def test_both_roles_can_upload_avatars_and_qr_codes(copywriter, manager):
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    permission_policy = policy_registry.get_by_type(get_image_model())
    for user in (copywriter, manager):
        assert permission_policy.user_has_permission(user, "add")
        assert permission_policy.user_has_permission(user, "choose")


def test_personas_are_moderated_by_managers():
    link = WorkflowContentType.objects.get(content_type=ContentType.objects.get_for_model(Persona))
    [task] = [wt.task.specific for wt in link.workflow.workflow_tasks.all()]
    assert list(task.groups.all()) == [Group.objects.get(name=roles.MANAGERS)]


def test_setting_up_roles_twice_changes_nothing():
    from django.apps import apps

    before = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    roles.grant_model(apps, "personas", "persona")
    roles.assign_workflow(apps, "personas", "persona")
    after = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert before == after
    assert Group.objects.filter(name=roles.MANAGERS).count() == 1
