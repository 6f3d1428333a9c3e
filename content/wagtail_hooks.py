from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from .bulk_actions import PublishScriptsBulkAction
from .records import VIEW_PERMISSION, records_view
from .viewsets import ImportViewSet, ScriptsGroup

register_snippet(ScriptsGroup)
hooks.register("register_bulk_action", PublishScriptsBulkAction)


@hooks.register("register_admin_urls")
def compliance_record_urls():
    return [path("compliance-records/", records_view, name="content_compliance_records")]


class RecordsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


@hooks.register("register_reports_menu_item")
def compliance_records_menu_item():
    return RecordsMenuItem(
        _("Compliance records"),
        reverse("content_compliance_records"),
        icon_name="doc-full",
        order=900,
    )


@hooks.register("register_admin_viewset")
def register_import_view():
    return ImportViewSet()
