"""Settings for bench/api.py: the production settings on a throw-away data folder.

Only bench/api.py uses this module (it sets DATA_DIR to a temporary folder first). Differences
from production: plain HTTP (no SSL redirect), SQLite in the temporary folder (or the
database and Redis of --database-url/--redis-url), the database
search backend without automatic index updates (fast bulk inserts), no effective rate limit,
Wagtail's API v3 installed and mounted at /api/v3/ next to ours, and a bare view at
/bench/bare/ (bench/api_urls.py).
"""

import os

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured

if not os.environ.get("DATA_DIR"):
    raise ImproperlyConfigured("Run bench/api.py: it sets DATA_DIR to a temporary folder.")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.update(
    DEBUG="false",
    SECURE_SSL_REDIRECT="false",
    # SQLite in DATA_DIR and the LocMem cache, unless bench/api.py was given --database-url /
    # --redis-url (PostgreSQL + Redis: the shared-cache paths, e.g. the cached token check).
    DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", ""),
    REDIS_URL=os.environ.get("BENCH_REDIS_URL", ""),
    SEARCH_BACKEND="database",
    API_RATE_LIMIT="100000000/m",
    LOG_LEVEL="WARNING",
)

from site_config.settings.production import *  # noqa: E402,F403
from site_config.settings.production import (  # noqa: E402
    DATABASES,
    INSTALLED_APPS,
    WAGTAILSEARCH_BACKENDS,
)


class BenchApiConfig(AppConfig):
    """Listed first, so its ready() runs before wagtail.snippets' ready(), which registers a
    snippet model with API v3 only if it has `api_fields` at that moment."""

    name = "bench"
    label = "siyu_bench"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.api import APIField

        from content.models import Script

        # What our detail returns, for every kind (the proxies inherit it).
        Script.api_fields = [
            APIField(name)
            for name in (
                "kind",
                "persona",
                "title",
                "stage",
                "hot_topic",
                "valid_from",
                "valid_until",
                "updated_at",
                "variables",
                "messages",
                "first_comment",
                "group_types",
                "purpose",
                "trigger",
                "segments",
                "triggers",
            )
        ]


INSTALLED_APPS = ["bench.api_settings.BenchApiConfig", *INSTALLED_APPS, "wagtail.api.v3"]
ROOT_URLCONF = "bench.api_urls"
WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False
# bench/api.py --conn-max-age (default: the settings' DB_CONN_MAX_AGE, 60 s)
if os.environ.get("BENCH_CONN_MAX_AGE"):
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ["BENCH_CONN_MAX_AGE"])
API_RATE_LIMIT = "100000000/m"
