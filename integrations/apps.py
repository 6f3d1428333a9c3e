from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """Chat tools on the delivery API's tokens and scope: MCP, Dify, FastGPT."""

    name = "integrations"
    verbose_name = "Integrations"
