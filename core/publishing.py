"""Publishing and saving revisions of one object, one at a time.

Wagtail's publish reads the object's revision state (which revision is the latest, the row
itself) when the action is built and writes the whole row back at the end, without a lock.
Two editors publishing the same script within a second interleave: the later write puts back
a stale ``latest_revision`` (and the older content), so the newer revision ends up neither
live nor pending. ``save_revision`` has the same read-modify-write on ``latest_revision``.

Here both take a row lock on the object first and publish reads the row again under it, so
publishes and revision saves of one object run one after another and the last publish wins
(a scheduled publish whose schedule another publish cleared while it waited is dropped).
Every path goes through ``DraftStateMixin.publish`` (admin edit and workflow approval via
``Revision.publish``, ``import_content``, ``publish_scheduled``), so the models we own mix in
``SerialisedPublishingMixin`` before Wagtail's mixins.

PostgreSQL: ``SELECT … FOR NO KEY UPDATE`` on the row (NO KEY so that rows pointing at it, e.g.
usage counts and calendar entries, can still be written meanwhile). SQLite has no row locks
(Django skips ``select_for_update``); there every write transaction begins IMMEDIATE
(settings), which takes the database's write lock at BEGIN, so the one transaction that now
spans the read and the write is serialised the same way.
"""

from __future__ import annotations

import logging

from django.db import models, transaction
from wagtail.actions.publish_revision import PublishRevisionAction

logger = logging.getLogger(__name__)


def lock_row(obj: models.Model) -> models.Model:
    """Lock `obj`'s row until the end of the current transaction and return it as stored now."""
    return type(obj)._base_manager.select_for_update(no_key=True).get(pk=obj.pk)


class SerialisedPublishRevisionAction(PublishRevisionAction):
    def execute(self, skip_permission_checks: bool = False):
        self.check(skip_permission_checks=skip_permission_checks)
        with transaction.atomic():
            # The object built in __init__ may be stale by now: rebuild it from the row as it
            # is once we hold the lock, with the revision's content on top.
            row = lock_row(self.object)
            if self._schedule_withdrawn():
                logger.info(
                    "Not published: %s pk=%s revision_id=%d is no longer scheduled",
                    type(row).__name__,
                    row.pk,
                    self.revision.pk,
                )
                return None
            self.object = row.with_content_json(self.revision.content)
            going_live_as_scheduled = self.revision.approved_go_live_at is not None
            if not going_live_as_scheduled:
                # The moment of approval: the object may refuse (raise) and nothing changes.
                self.object.before_publish(self.revision, self.user)
            result = self._publish_revision(
                self.revision,
                self.object,
                user=self.user,
                changed=self.changed,
                log_action=self.log_action,
                previous_revision=self.previous_revision,
            )
            if self.object.live and self.object.live_revision_id == self.revision.pk:
                self.object.after_publish(self.revision, self.user)
            return result

    def _schedule_withdrawn(self) -> bool:
        """True when this is a scheduled publish (publish_scheduled listed the revision as due)
        but, while it waited, another publish or an unschedule cleared the schedule: the newer
        decision stands, the stale schedule must not overwrite it."""
        if self.revision.pk is None or self.revision.approved_go_live_at is None:
            return False
        self.revision.refresh_from_db(fields=["approved_go_live_at"])
        return self.revision.approved_go_live_at is None


class SerialisedPublishingMixin:
    """Put before WorkflowMixin/DraftStateMixin in a model's bases.

    Models may override two steps of every publish (all paths, under the row lock):
    ``before_publish(revision, user)`` runs before anything is written and may raise to refuse
    (not for a scheduled go-live: that was approved when it was scheduled);
    ``after_publish(revision, user)`` runs once the revision is live, in the same transaction.
    """

    def before_publish(self, revision, user) -> None:
        pass

    def after_publish(self, revision, user) -> None:
        pass

    def save_revision(self, *args, **kwargs):
        with transaction.atomic():
            if self.pk is not None:
                lock_row(self)
            return super().save_revision(*args, **kwargs)

    def publish(
        self,
        revision,
        user=None,
        changed: bool = True,
        log_action: bool | str = True,
        previous_revision=None,
        skip_permission_checks: bool = False,
    ):
        return SerialisedPublishRevisionAction(
            revision,
            user=user,
            changed=changed,
            log_action=log_action,
            previous_revision=previous_revision,
        ).execute(skip_permission_checks=skip_permission_checks)
