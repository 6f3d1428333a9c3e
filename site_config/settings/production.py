"""Production: DEBUG off, SECRET_KEY and ALLOWED_HOSTS required, HTTPS assumed behind a proxy."""

import os

os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: E402,F403
from .base import env_bool  # noqa: E402

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
# Wagtail's live preview renders in a same-origin iframe, so DENY would break it.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
# WhiteNoise serves collectstatic's output compressed (gzip/brotli). Not the manifest storage:
# Wagtail versions its own asset URLs, and a missing manifest would turn every admin page into
# a 500 on a server where collectstatic was forgotten.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
