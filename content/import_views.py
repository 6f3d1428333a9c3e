"""话术库 → 导入: upload a file, see its check (every row error) and import it in the background
with a progress bar. The work is content/import_jobs.py; these views only queue and show."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import import_jobs, import_template
from .enums import ImportJobState
from .models import ImportJob

URL_NAMESPACE = "content_import"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("XLSX, CSV or JSONL, with the columns of the template."),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish what is imported"),
        required=False,
        help_text=gettext_lazy("Rows with compliance errors are then refused."),
    )

    def __init__(self, *args, may_publish: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_publish:
            del self.fields["publish"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in import_jobs.SUFFIXES:
            raise forms.ValidationError(_("Use an .xlsx, .csv or .jsonl file."))
        if upload.size > import_jobs.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; split it or use the import_content command.")
                % {"mb": import_jobs.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ImportPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not import_jobs.can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _job_for(request, pk: int) -> ImportJob:
    job = get_object_or_404(ImportJob.objects.defer("data"), pk=pk)
    if job.user_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


class UploadView(ImportPermissionMixin, WagtailAdminTemplateMixin, FormView):
    page_title = gettext_lazy("Import scripts")
    header_icon = "upload"
    template_name = "content/import/upload.html"
    form_class = UploadForm

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": self.page_title}]

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "may_publish": import_jobs.can_publish(self.request.user),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["template_url"] = reverse(f"{URL_NAMESPACE}:template")
        jobs = ImportJob.objects.defer("data").filter(user=self.request.user)[:10]
        context["jobs"] = [import_jobs.settle(job) for job in jobs]  # a dead worker's: interrupted
        context["max_mb"] = import_jobs.MAX_UPLOAD_BYTES // (1024 * 1024)
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        job = import_jobs.start(
            user=self.request.user,
            name=upload.name,
            data=upload.read(),
            publish=form.cleaned_data.get("publish", False),
        )
        return redirect(f"{URL_NAMESPACE}:job", pk=job.pk)


class JobView(ImportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Import scripts")
    header_icon = "upload"
    template_name = "content/import/job.html"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse(f"{URL_NAMESPACE}:index"), "label": self.page_title},
            {"url": "", "label": self.job.file_name},
        ]

    def dispatch(self, request, *args, pk, **kwargs):
        if import_jobs.can_import(request.user):
            self.job = _job_for(request, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        context.update(
            job=job,
            status=import_jobs.progress(job),
            status_url=reverse(f"{URL_NAMESPACE}:status", args=[job.pk]),
            upload_url=reverse(f"{URL_NAMESPACE}:index"),
        )
        return context

    def post(self, request, *args, **kwargs):
        if self.job.state == ImportJobState.INTERRUPTED:
            if not import_jobs.retry(self.job):
                messages.error(request, _("This job is running again already."))
        elif not import_jobs.confirm(self.job):
            messages.error(request, _("This file cannot be imported: check it again."))
        return redirect(f"{URL_NAMESPACE}:job", pk=self.job.pk)


def status_view(request, pk: int):
    if not import_jobs.can_import(request.user):
        raise PermissionDenied
    return JsonResponse(import_jobs.progress(_job_for(request, pk)))


def template_view(request):
    if not import_jobs.can_import(request.user):
        raise PermissionDenied
    response = HttpResponse(
        import_template.build(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="scripts-template.xlsx"'
    return response
