"""POST views of the home page's review queue (CSRF-protected by Django's middleware)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin import messages

from editorial_calendar.workflow import can_review

from . import actions


def _home(request):
    back = request.POST.get("next") or reverse("wagtailadmin_home")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("wagtailadmin_home")
    return redirect(back)


class ReviewItemView(View):
    def post(self, request):
        if not can_review(request.user):
            raise PermissionDenied
        try:
            done = actions.act(
                request.POST.get("item", ""),
                request.POST.get("action", ""),
                request.user,
                request.POST.get("comment", ""),
            )
        except actions.Refused as refused:
            messages.error(request, _("Not done: %(reason)s") % {"reason": refused})
        else:
            messages.success(request, done)
        return _home(request)


class ApproveWeekView(View):
    def post(self, request):
        if not can_review(request.user):
            raise PermissionDenied
        try:
            persona_id = int(request.POST.get("persona", ""))
            week = date.fromisoformat(request.POST.get("week", ""))
        except ValueError:
            messages.error(request, _("Unknown persona or week."))
            return _home(request)
        try:
            count = actions.approve_week(persona_id, week, request.user)
        except actions.Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Approved the week: %(n)d item(s).") % {"n": count})
        return _home(request)
