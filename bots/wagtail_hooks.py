from wagtail import hooks

from .viewsets import BotClientViewSet, WebhookDeliveryViewSet, WebhookViewSet


@hooks.register("register_admin_viewset")
def register_bot_clients():
    return BotClientViewSet()


@hooks.register("register_admin_viewset")
def register_webhooks():
    return WebhookViewSet()


@hooks.register("register_admin_viewset")
def register_webhook_deliveries():
    return WebhookDeliveryViewSet()
