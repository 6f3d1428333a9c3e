from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .viewsets import CalendarGroup, CalendarViewSet

register_snippet(CalendarGroup)


@hooks.register("register_admin_viewset")
def register_calendar_view():
    return CalendarViewSet()


@hooks.register("content_hot_topic_choices")
def hot_topic_choices():
    """Offer hot topics in the script editor and the importer (see content.forms)."""
    from .models import HotTopic

    return [
        (slug, f"{name}（{start:%Y-%m-%d}）")
        for slug, name, start in HotTopic.objects.order_by("start").values_list(
            "slug", "name", "start"
        )
    ]
