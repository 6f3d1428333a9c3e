import re

from django.conf import settings
from django.http import Http404
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.static import serve
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from editorial_calendar.feeds import calendar_feed
from integrations.mcp import mcp_view

from . import lean_api
from .api import api


@csrf_exempt
def api_not_found(request, rest=""):
    raise Http404  # ApiMiddleware turns it into a problem document


handler500 = "core.outages.server_error"  # a dependency down is a 503, here too

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    # The hottest GETs without ninja's operation; everything else of theirs goes to ninja's views.
    path("api/v1/scripts/<int:script_id>/", lean_api.script_detail),
    path("api/v1/sequences/<slug>/due", lean_api.sequence_due),
    path("api/v1/", api.urls),
    path("mcp", mcp_view, name="mcp"),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    # Headless: there is no public site, the root leads to the admin.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

if settings.SERVE_MEDIA and settings.MEDIA_STORAGE == "file":
    # static() adds nothing unless DEBUG; SERVE_MEDIA also serves uploads in production.
    urlpatterns += [
        re_path(
            "^" + re.escape(settings.MEDIA_URL.lstrip("/")) + "(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
