"""The admin's one search: its URL and the sidebar search area (our view comes first)."""

from django.urls import path
from wagtail import hooks

from .admin_views import AdminSearchView, search_area


@hooks.register("register_admin_urls")
def admin_search_urls():
    return [path("find/", AdminSearchView.as_view(), name="siyu_search_admin")]


hooks.register("register_admin_search_area", search_area)
