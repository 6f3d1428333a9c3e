"""Production settings as a browser and a proxy see them: HTTPS only (HSTS once HTTPS is known,
through the proxy's X-Forwarded-Proto), nosniff, Referrer-Policy, frame protection, secure
cookies, upload limits."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from site_config.settings import production

pytestmark = pytest.mark.django_db

PRODUCTION = {
    name: getattr(production, name)
    for name in (
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
    )
}
HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


@pytest.fixture
def prod():
    with override_settings(**PRODUCTION):
        yield Client()


def test_plain_http_is_redirected_to_https(prod):
    response = prod.get("/admin/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in response  # HSTS only over HTTPS


@pytest.mark.parametrize("path", ["/admin/login/", "/api/v1/health"])
def test_https_responses_carry_the_security_headers(prod, path):
    response = prod.get(path, **HTTPS)
    assert response.status_code in {200, 503}
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if path.startswith("/admin/"):
        assert response["X-Frame-Options"] == "SAMEORIGIN"  # Wagtail's preview is same-origin


def test_session_and_csrf_cookies_are_secure_and_httponly(prod, make_user):
    make_user("editor", superuser=True)
    page = prod.get("/admin/login/", **HTTPS)
    csrf = page.cookies[django_settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    response = prod.post(
        "/admin/login/",
        {"username": "editor", "password": "pw", "csrfmiddlewaretoken": csrf.value},
        **HTTPS,
    )
    assert response.status_code == 302, response.content[:500]
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_uploads_over_the_size_limit_or_of_a_refused_type_are_not_stored(client, make_user):
    client.force_login(make_user("root", superuser=True))
    with override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=1024):
        big = get_test_image_file(size=(400, 400))
        response = client.post(reverse("wagtailimages:add"), {"title": "大图", "file": big})
    assert response.status_code == 200  # the form again, with the error
    svg = SimpleUploadedFile("x.svg", b"<svg onload='alert(1)'/>", content_type="image/svg+xml")
    client.post(reverse("wagtailimages:add"), {"title": "脚本图", "file": svg})
    assert not get_image_model().objects.exists()
    html = SimpleUploadedFile("x.html", b"<script>alert(1)</script>", content_type="text/html")
    client.post(reverse("wagtaildocs:add"), {"title": "网页", "file": html})
    assert not get_document_model().objects.exists()
    assert "svg" not in django_settings.WAGTAILIMAGES_EXTENSIONS
    assert "html" not in django_settings.WAGTAILDOCS_EXTENSIONS


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="settings only: run once per CI, in the SQLite pass",
)
def test_s3_media_storage_is_configured_from_the_environment():
    """No bucket is contacted: the storage class and the public URL it gives are checked."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "cms.example.com",
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": "siyu-media",
        "S3_ENDPOINT_URL": "https://oss-cn-shanghai.aliyuncs.com",
        "S3_PUBLIC_DOMAIN": "img.example.com",
    }
    code = (
        "import importlib, os, django; django.setup();"
        "from django.core.files.storage import storages;"
        "s = storages['default'];"
        "print(type(s).__module__, s.url('original_images/a.jpg'));"
        "os.environ.pop('S3_BUCKET');"
        "import site_config.settings.base as base;"
        "importlib.reload(base)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False,
        cwd=django_settings.BASE_DIR, timeout=60,
    )  # fmt: skip
    assert result.stdout.split() == [
        "storages.backends.s3",
        "https://img.example.com/media/original_images/a.jpg",
    ], result.stderr[-2000:]
    # without a bucket the settings refuse to load, naming the variable
    assert result.returncode != 0
    assert "ImproperlyConfigured: MEDIA_STORAGE=s3 needs S3_BUCKET" in result.stderr
