"""Public (token-protected) ICS endpoint: calendar apps cannot log in to the admin."""

from django.http import Http404, HttpResponse

from personas.models import Persona

from .ics import build_feed
from .models import FeedToken

VIEW_PERMISSION = "editorial_calendar.view_calendarentry"


def calendar_feed(request, token: str):
    feed_token = FeedToken.objects.select_related("user").filter(token=token).first()
    if feed_token is None or not feed_token.user.is_active:
        raise Http404
    if not feed_token.user.has_perm(VIEW_PERMISSION):
        raise Http404
    persona = None
    if slug := request.GET.get("persona"):
        persona = Persona.objects.filter(slug=slug).first()
        if persona is None:
            raise Http404
    response = HttpResponse(
        build_feed(persona=persona), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
