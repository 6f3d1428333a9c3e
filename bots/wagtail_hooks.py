from wagtail import hooks

from .viewsets import BotClientViewSet


@hooks.register("register_admin_viewset")
def register_bot_clients():
    return BotClientViewSet()
