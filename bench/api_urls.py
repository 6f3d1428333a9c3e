"""URLs for bench/api.py: the site's own, plus Wagtail's API v3 and a bare view (the ceiling).

The bare view answers every request with the bytes of DATA_DIR/bare.json (a copy of the
benchmarked script detail, written by bench/api.py before the first request), without touching
the database, through the same middleware as the API.
"""

import functools

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path
from wagtail.api.v3.urls import api as wagtail_api

from site_config.urls import urlpatterns as site_urlpatterns


@functools.cache
def _bare_body() -> bytes:
    return (settings.DATA_DIR / "bare.json").read_bytes()


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_bare_body(), content_type="application/json")


urlpatterns = [
    path("bench/bare/", bare),
    path("api/v3/", wagtail_api.urls),  # before the site's catch-all for /api/
    *site_urlpatterns,
]
