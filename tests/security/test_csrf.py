"""Every state-changing view under /admin/ refuses a POST without a CSRF token.

The URL patterns are enumerated from the resolver (Wagtail's own views and ours: snippet
viewsets, bot clients, the calendar's review/pause/resume, compliance accept, imports, …), so a
view added later is covered without editing this test."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

OUR_APPS = (
    "core",
    "personas",
    "compliance",
    "content",
    "sequences",
    "search",
    "editorial_calendar",
    "bots",
    "integrations",
    "operations",
    "site_config",
)
SAMPLE = {"int": "1", "str": "a", "slug": "a", "path": "a"}


def _sample(pattern) -> str | None:
    """An example path for one pattern piece, or None when it cannot be written simply."""
    route = getattr(pattern, "_route", None)
    if route is not None:
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m[1] or "str", "a"), route)
    regex = pattern._regex.lstrip("^").rstrip("$").replace("\\Z", "")
    regex = re.sub(r"\(\?P<\w+>[^)]*\)", "1", regex)
    if re.search(r"[()\[\]*+?{}|\\]", regex):
        return None
    return regex


def _walk(patterns, prefix=""):
    for pattern in patterns:
        piece = _sample(pattern.pattern)
        if piece is None:
            continue
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + piece)
        elif isinstance(pattern, URLPattern):
            yield prefix + piece, pattern.callback


def admin_views() -> list[tuple[str, object]]:
    return [(f"/{path}", view) for path, view in _walk(get_resolver().url_patterns)
            if path.startswith("admin/")]  # fmt: skip


def _module(view) -> str:
    return getattr(getattr(view, "view_class", view), "__module__", "")


def test_the_enumeration_finds_our_custom_admin_views():
    ours = {path for path, view in admin_views() if _module(view).startswith(OUR_APPS)}
    assert any("bot-clients/revoke/" in path for path in ours)
    assert any("review/" in path for path in ours)
    assert any("pause/" in path for path in ours)
    assert len(admin_views()) > 200


def test_no_admin_view_is_exempt_from_csrf():
    """Only Wagtail's read-only admin API (Django REST framework views) is exempt from the
    middleware; REST framework checks the token itself for signed-in sessions (the POST test
    below covers them too)."""
    exempt = [path for path, view in admin_views() if getattr(view, "csrf_exempt", False)]
    assert exempt and all(path.startswith("/admin/api/main/") for path in exempt), exempt


def test_a_post_without_token_is_refused_by_every_admin_view(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("root", superuser=True))
    accepted = []
    for path, _view in admin_views():
        response = client.post(path, {"title": "x", "name": "x", "action": "approve"})
        if response.status_code != 403:
            accepted.append((path, response.status_code))
    # 404: a sample id that does not resolve never reaches a view either way
    assert [item for item in accepted if item[1] != 404] == []
