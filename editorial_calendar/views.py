from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.api import MAX_ID
from core.search_types import may_view
from personas.enums import Channel
from personas.models import Persona
from sequences.models import Sequence

from . import pauses, pickers, planning
from .approval import approve_entry
from .enums import EntryStatus
from .models import CalendarEntry, CalendarPause, FeedToken
from .workflow import REVIEW_PERMISSION, TransitionError, move

VIEW_PERMISSION = "editorial_calendar.view_calendarentry"


def parse_id(value) -> int | None:
    """A primary key from the query string, or None for anything that cannot be one: not ASCII
    digits (str.isdigit() also accepts "²", which int() refuses) or too large for the database
    (which would raise OverflowError / DataError instead of matching nothing)."""
    value = str(value or "")
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class CalendarView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Editorial calendar")
    header_icon = "date"
    template_name = "editorial_calendar/calendar.html"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        mode = request.GET.get("view", "month")
        try:
            if mode == "week":
                anchor = planning.parse_day(request.GET.get("week"), today)
                first, last, period = planning.week_range(anchor)
            elif mode == "month":
                anchor = planning.parse_month(request.GET.get("month"), today)
                first, last, period = planning.month_range(anchor)
            else:
                raise planning.BadPeriod(
                    _("Unknown view “%(v)s”: use month or week.") % {"v": mode}
                )
        except planning.BadPeriod as error:
            context = self.get_context_data(error=str(error), filters_form=self._filter_values())
            return TemplateResponse(request, self.template_name, context, status=400)

        filters = planning.Filters(
            persona=parse_id(request.GET.get("persona")),
            channel=request.GET.get("channel", "")
            if request.GET.get("channel") in Channel.values
            else "",
            status=request.GET.get("status", "")
            if request.GET.get("status") in EntryStatus.values
            else "",
            owner=parse_id(request.GET.get("owner")),
        )
        data = planning.build(
            first,
            last,
            filters,
            today=today,
            period=period,
            per_cell=None if mode == "week" else planning.MAX_ENTRIES_PER_CELL,
            draft_camps=may_view(request.user, Sequence),  # planners see camps in preparation
        )
        if mode == "week":
            previous, following = anchor - timedelta(days=7), anchor + timedelta(days=7)
            nav = {
                "previous": self._url(request, view="week", week=previous.isoformat()),
                "next": self._url(request, view="week", week=following.isoformat()),
                "today": self._url(request, view="week", week=today.isoformat()),
                "other": self._url(request, view="month", month=f"{anchor:%Y-%m}"),
            }
        else:
            previous = (anchor - timedelta(days=1)).replace(day=1)
            following = (anchor + timedelta(days=32)).replace(day=1)
            nav = {
                "previous": self._url(request, view="month", month=f"{previous:%Y-%m}"),
                "next": self._url(request, view="month", month=f"{following:%Y-%m}"),
                "today": self._url(request, view="month", month=f"{today:%Y-%m}"),
                "other": self._url(request, view="week", week=period[0].isoformat()),
            }
        context = self.get_context_data(
            mode=mode,
            anchor=anchor,
            period=period,
            nav=nav,
            filters=filters,
            filters_form=self._filter_values(),
            upcoming_gaps=planning.upcoming_gaps(today, filters),
            all_pauses=list(CalendarPause.objects.active().order_by("start", "pk")),
            can_review=request.user.has_perm(REVIEW_PERMISSION),
            can_add=request.user.has_perm("editorial_calendar.add_calendarentry"),
            add_url=reverse("wagtailsnippets_editorial_calendar_calendarentry:add"),
            weekdays=[_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
            **data,
        )
        return self.render_to_response(context)

    def _filter_values(self):
        query = self.request.GET
        return {
            "personas": list(Persona.objects.order_by("name").values_list("pk", "name")),
            "channels": Channel.choices,
            "statuses": EntryStatus.choices,
            "owners": list(
                CalendarEntry.objects.exclude(owner=None)
                .order_by()
                .values_list("owner_id", "owner__username")
                .distinct()
            ),
            "persona": parse_id(query.get("persona")),
            "channel": query.get("channel", ""),
            "status": query.get("status", ""),
            "owner": parse_id(query.get("owner")),
            "view": query.get("view", "month"),
            "month": query.get("month", ""),
            "week": query.get("week", ""),
        }

    @staticmethod
    def _url(request, **changes) -> str:
        query = request.GET.copy()
        for key in ("month", "week", "view"):
            query.pop(key, None)
        for key, value in changes.items():
            query[key] = value
        return f"?{query.urlencode()}"


class ReviewView(View):
    """POST approve / send back (with a comment) / schedule for one entry. Managers only."""

    def post(self, request, pk):
        entry = get_object_or_404(CalendarEntry.objects.select_related("persona"), pk=pk)
        if not request.user.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied
        action = request.POST.get("action")
        target = {
            "approve": EntryStatus.APPROVED,
            "schedule": EntryStatus.SCHEDULED,
            "send_back": EntryStatus.DRAFTING,
        }.get(action)
        if target is None:
            return HttpResponseBadRequest(_("Unknown review action."))
        try:
            if target == EntryStatus.DRAFTING:
                move(entry, target, request.user, request.POST.get("comment", ""))
            else:  # one approval: a script waiting in moderation is approved with its slot
                approve_entry(entry, request.user, target, request.POST.get("comment", ""))
        except TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("“%(title)s” is now %(status)s.")
                % {"title": entry.title, "status": entry.get_status_display()},
            )
        return _back(request)


def _back(request):
    back = request.POST.get("next") or reverse("editorial_calendar:index")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("editorial_calendar:index")
    return redirect(back)


class PauseView(View):
    """POST start, end, reason: pause a date range. Managers only."""

    def post(self, request):
        if not request.user.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied
        try:
            start = planning.parse_day(request.POST.get("start") or "-", timezone.localdate())
            end = planning.parse_day(request.POST.get("end") or "-", timezone.localdate())
            item = pauses.pause(start, end, request.POST.get("reason", ""), request.user)
        except planning.BadPeriod as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(start)s – %(end)s is paused: bots do not see its entries until resumed.")
                % {"start": item.start.isoformat(), "end": item.end.isoformat()},
            )
        return _back(request)


class ResumeView(View):
    """POST: resume a pause. Managers only."""

    def post(self, request, pk):
        item = get_object_or_404(CalendarPause, pk=pk)
        if not request.user.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied
        try:
            pauses.resume(item, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(start)s – %(end)s is resumed: bots see its entries again.")
                % {"start": item.start.isoformat(), "end": item.end.isoformat()},
            )
        return _back(request)


def feed_url_view(request):
    """Show the user's personal ICS URL; POST makes a new one (the old one stops working)."""
    if not request.user.has_perm(VIEW_PERMISSION):
        return permission_denied(request)
    token = FeedToken.for_user(request.user)
    if request.method == "POST":
        token.rotate()
        messages.success(request, _("A new feed address was made; the old one no longer works."))
        return redirect("editorial_calendar:feed")
    feed = request.build_absolute_uri(reverse("calendar_feed", args=[token.token]))
    return TemplateResponse(
        request,
        "editorial_calendar/feed.html",
        {
            "page_title": _("Subscribe in a calendar app"),
            "header_title": _("Subscribe in a calendar app"),  # the window title
            "header_icon": "date",
            "feed_url": feed,
            "personas": Persona.objects.order_by("name"),
        },
    )


def scripts_view(request):
    """GET ?persona=&q=: the entry form's script options (JSON), for its page script."""
    if not request.user.has_perm(VIEW_PERMISSION):
        return permission_denied(request)
    q = request.GET.get("q", "")[:200]
    options = pickers.script_options(parse_id(request.GET.get("persona")), q)
    return JsonResponse(
        {"items": [{"id": s.pk, "persona": s.persona_id, "label": label} for s, label in options]}
    )
