"""Settings shared by every environment.

Every environment variable is read here, once (see .env.example for the list). The dev, test
and production modules only change defaults; they never read the environment themselves.
"""

import os
import re
import secrets
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


DEBUG = env_bool("DEBUG", False)

# One folder holds everything the embedded deployment writes: the SQLite database, uploaded
# media, the search index and the generated dev secret key. It is created on first start.
DATA_DIR = Path(os.environ.get("DATA_DIR") or BASE_DIR / "data").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key(debug: bool) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            'string (for example the output of: python -c "import secrets; '
            'print(secrets.token_urlsafe(50))") or set DEBUG=true for local development.'
        )
    # Development only: generate a key once and keep it in the data folder, so sessions and
    # tokens survive restarts without a secret ever being committed.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key(DEBUG)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core",  # the ground floor: its one table is the delivery generation
    "personas",
    "compliance",
    "content",
    "sequences",  # SOPs: timed steps of scripts (below search, calendar, bots)
    "editorial_calendar",
    "search",
    "bots",
    "integrations",  # MCP, Dify, FastGPT on the bot tokens and scope
    "operations",  # backup and restore
    "cockpit",  # the admin home panels (reads bots' reports, so above bots)
    "ninja",  # serves the API docs' assets locally (no CDN)
    "django_tasks",
    "django_tasks_db",
    "wagtail.snippets",
    "wagtail.users",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.sites",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Only for its translations: Wagtail's workflow panels call humanize's naturaltime
    # ("35 seconds ago"), whose Chinese is loaded only when the app is installed.
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from STATIC_ROOT (`collectstatic`), before anything that reads the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.api.middleware.ApiMiddleware",
    "core.outages.OutageMiddleware",
    "core.api.input_guard.InputGuardMiddleware",
    "core.api.statement_timeout.StatementTimeoutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web + worker) share one file: wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    # Persistent connections as on PostgreSQL: a new SQLite connection re-reads and parses the
    # whole schema (≈300 tables and indexes) on its first statement, ≈1.3 ms of CPU — more
    # than a cached API answer costs. Idle connections hold no lock (autocommit).

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# Seconds one cache call may wait for Redis (connecting or answering); after a failure a
# process leaves Redis alone for a few seconds (core/cache.py). Everything that uses the cache
# fails open, so a frozen Redis costs each process one such wait now and then, not every call.
try:
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "").strip() or "0.5")
except ValueError:
    raise ImproperlyConfigured("REDIS_TIMEOUT must be a number of seconds") from None
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "siyu",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process keeps the API answers and bodies it served (core/local.py): at most this many
# bytes, least recently used first out.
try:
    LOCAL_CACHE_BYTES = int(os.environ.get("LOCAL_CACHE_MB", "").strip() or "32") * 1024 * 1024
except ValueError:
    raise ImproperlyConfigured("LOCAL_CACHE_MB must be a whole number of megabytes") from None
if LOCAL_CACHE_BYTES < 0:
    raise ImproperlyConfigured("LOCAL_CACHE_MB must be 0 or more")
# The hottest delivery GETs (script detail, a sequence's due) skip ninja's operation
# (site_config/lean_api.py); False sends them through ninja. A bot's token check is cached in
# the shared cache under the credentials version (bots/credentials.py); False reads the
# database every time. (Defined here, not left to getattr defaults: a missing setting costs
# an exception on every read.)
API_LEAN_PATHS = True
API_CREDENTIALS_CACHE = True
# Progress of background jobs (admin imports): the worker writes it, the web process reads it,
# so it needs a cache both see: the shared one when there is one, else files in the data folder
# (the embedded setup is one machine).
CACHES["progress"] = (
    dict(CACHES["default"])
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "progress"),
    }
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Our catalogue first (it wins), then our Chinese for the Wagtail strings its own zh_Hans
# catalogue lacks (hand-maintained: makemessages only sees our code); both win over Wagtail's.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# The account page's time zones: Region/City names and UTC. Wagtail lists every file the system
# zone database holds, and Debian's holds "localtime", which the browser refuses: the page's
# script stopped on it and left the list unlocalised. (Also gone: posixrules, Factory, aliases
# such as PRC.)
WAGTAIL_USER_TIME_ZONES = sorted(
    name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith("posix")
) + ["UTC"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start until collectstatic ran
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.min.js from the installed plotly package (the home page's charts; no CDN)
    "cockpit.staticfiles.PlotlyFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

# Uploaded images and documents: "file" keeps them in DATA_DIR/media (one machine, or a shared
# volume); "s3" puts them in an S3-compatible bucket (AWS S3, MinIO, Aliyun OSS, Tencent COS…)
# through django-storages, so several app servers share them without a shared disk.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "file").strip().lower()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if MEDIA_STORAGE == "s3":
    if not os.environ.get("S3_BUCKET", "").strip():
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET (the bucket's name).")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"].strip(),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL", "").strip() or None,
            "region_name": os.environ.get("S3_REGION", "").strip() or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", "").strip() or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", "").strip() or None,
            "location": os.environ.get("S3_PREFIX", "media").strip().strip("/"),
            # Public URLs (bots hand image URLs to WeChat): a CDN/bucket domain, or signed URLs.
            "custom_domain": os.environ.get("S3_PUBLIC_DOMAIN", "").strip() or None,
            "querystring_auth": env_bool("S3_SIGNED_URLS", False),
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "").strip() or None,
            "file_overwrite": False,  # a second upload of "logo.png" must not replace the first
        },
    }
elif MEDIA_STORAGE != "file":
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be file or s3, not {MEDIA_STORAGE!r}")
# With "file" storage and no proxy serving DATA_DIR/media at /media/, let Django serve it
# (small installations; a proxy or S3 is faster). Always on when DEBUG.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Wagtail
WAGTAIL_SITE_NAME = "私域内容中台"
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAIL_I18N_ENABLED = False
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024  # 10 MB: WeChat's own image limit
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt", "csv", "zip", "mp4"]
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No Gravatar: it is blocked in mainland China and leaks editors' e-mail hashes to a third
# party; the admin shows its default avatar (or an uploaded one) instead of a broken image.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Search: "whoosh" (embedded default: a file index in the data folder, one machine) or
# "database" (the index lives in the database: SQLite FTS5 or PostgreSQL; several app servers).
# Both apply the same Chinese analysis (search/analysis.py).
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh").strip().lower()
if SEARCH_BACKEND == "whoosh":
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.whoosh",
            "PATH": str(DATA_DIR / "whoosh"),
            "AUTO_UPDATE": True,
        }
    }
elif SEARCH_BACKEND == "database":
    WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.database", "AUTO_UPDATE": True}
    }
else:
    raise ImproperlyConfigured(f"SEARCH_BACKEND must be whoosh or database, not {SEARCH_BACKEND!r}")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# import_content: how long (seconds) an import waits for another one to finish before giving up
# with an error (nothing written). Imports write one at a time (content/import_lock.py).
try:
    IMPORT_LOCK_TIMEOUT = float(os.environ.get("IMPORT_LOCK_TIMEOUT", "").strip() or "1800")
except ValueError:
    raise ImproperlyConfigured("IMPORT_LOCK_TIMEOUT must be a number of seconds") from None


# Delivery API: requests per bot client, counted in the cache (shared across processes when
# REDIS_URL is set). "N/s", "N/m", "N/h" or "N/d".
def env_rate(name: str, default: str) -> str:
    """A rate "N/period": N per s, m, h or d, optionally several of them ("10/15m")."""
    value = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"[1-9][0-9]*/[1-9]?[0-9]*[smhd]", value):
        raise ImproperlyConfigured(
            f"{name} must look like {default} (a count per s, m, h or d), not {value!r}"
        )
    return value


API_RATE_LIMIT = env_rate("API_RATE_LIMIT", "600/m")

# Delivery API on PostgreSQL: every SQL statement of an API request is cancelled after this
# many milliseconds (the bot gets 503 with Retry-After); 0 turns the limit off. The admin,
# commands and the worker are never limited.
_timeout = os.environ.get("API_STATEMENT_TIMEOUT_MS", "").strip() or "5000"
if not _timeout.isdigit():
    raise ImproperlyConfigured(
        f"API_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds, not {_timeout!r}"
    )
API_STATEMENT_TIMEOUT_MS = int(_timeout)
# Background tasks (webhook deliveries, Wagtail's search indexing and reference index) are
# queued in the database and run by `manage.py worker`, never inside the request that caused
# them. `make run` starts one worker; production runs one or more next to the web server.
# Queues: `default` (search and reference index, admin imports …) and `webhooks` (deliveries, in
# the worker's own lane, so that a receiver that never answers delays nothing else).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "webhooks"],
    }
}

# Webhooks are only sent to public internet addresses (checked after DNS resolution, for every
# connection). true lets an on-premise deployment reach receivers on this machine or a private
# network (loopback, 10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10); link-local (cloud
# metadata 169.254.169.254), multicast, unspecified and reserved addresses stay refused.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)

# Failed sign-ins, counted in the same cache. Bad API tokens per client address (over the
# limit a bad token gets 429 instead of 401; valid tokens always pass); failed admin logins
# per address and per account name (over either limit even the right password is refused
# until the window ends).
API_AUTH_FAILURE_LIMIT = env_rate("API_AUTH_FAILURE_LIMIT", "20/10m")
ADMIN_LOGIN_FAILURE_LIMIT = env_rate("ADMIN_LOGIN_FAILURE_LIMIT", "10/15m")
ADMIN_LOGIN_ACCOUNT_FAILURE_LIMIT = env_rate("ADMIN_LOGIN_ACCOUNT_FAILURE_LIMIT", "10/15m")
# Behind n reverse proxies, the client's address is the n-th entry from the right of
# X-Forwarded-For; 0 means REMOTE_ADDR (no proxy, or one that rewrites REMOTE_ADDR).
try:
    TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "").strip() or "0")
except ValueError:
    raise ImproperlyConfigured("TRUSTED_PROXY_HOPS must be a whole number") from None
if TRUSTED_PROXY_HOPS < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_HOPS must be 0 or more")
WAGTAILADMIN_USER_LOGIN_FORM = "site_config.login.ThrottledLoginForm"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Every background task and every publish is logged at INFO; keep commands readable.
        "django_tasks": {"level": "WARNING"},
        # The worker prints what it runs itself; the queue's own INFO lines repeat every second.
        "django_tasks_db": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
