"""ImportJob: one file uploaded in the admin (话术库 → 导入), checked and imported by the worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import ImportJobState


class ImportJob(models.Model):
    """The file is kept in the row (not on disk), so a worker on another machine reads it too;
    uploads are small (the admin caps them, see content/import_jobs.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When a worker began the running phase (check or import); None while it waits in the queue.
    # With the worker's liveness lock free, a started running job has lost its worker.
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    file_name = models.CharField(_("file"), max_length=255)
    data = models.BinaryField(editable=False)
    publish = models.BooleanField(_("publish"), default=False)
    state = models.CharField(
        _("state"), max_length=20, choices=ImportJobState.choices, default=ImportJobState.CHECKING
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    # Steps done: rows validated (checking), then rows validated + rows written (importing).
    done = models.PositiveIntegerField(default=0)
    # created/updated/unchanged/published, errors [[row, column, message]], error_count, notes
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def running(self) -> bool:
        return self.state in (ImportJobState.CHECKING, ImportJobState.IMPORTING)

    @property
    def steps(self) -> int:
        """How many steps the running phase has (the progress bar's 100%)."""
        return self.rows * (2 if self.state == ImportJobState.IMPORTING else 1)
