"""Keep the cached compliance status (content/compliance_status.py) current."""

from __future__ import annotations

import contextlib

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Revision
from wagtail.signals import published

from compliance.models import Override

from . import compliance_status
from .models import Script


def _is_script_revision(revision: Revision) -> bool:
    model = revision.base_content_type.model_class() if revision.base_content_type_id else None
    return model is not None and issubclass(model, Script)


@receiver(post_save, sender=Revision)
def revision_saved(sender, instance: Revision, created: bool, raw=False, **kwargs):
    # A new revision is the latest one by definition: its content is what the level is about.
    if raw or not created or not _is_script_revision(instance):
        return
    from compliance import versions

    version = versions.current()
    level = compliance_status.compute(instance.as_object())
    compliance_status.store(int(instance.object_id), level, version)


@receiver(published)
def script_published(sender, instance, revision=None, **kwargs):
    if isinstance(instance, Script):
        compliance_status.refresh(instance.pk)


def _override_changed(instance: Override) -> None:
    model = instance.content_type.model_class() if instance.content_type_id else None
    if model is not None and issubclass(model, Script):
        with contextlib.suppress(Script.DoesNotExist):  # the script was deleted with it
            compliance_status.refresh(int(instance.object_id))


@receiver(post_save, sender=Override)
def override_saved(sender, instance: Override, raw=False, **kwargs):
    if not raw:
        _override_changed(instance)


@receiver(post_delete, sender=Override)
def override_deleted(sender, instance: Override, **kwargs):
    _override_changed(instance)
