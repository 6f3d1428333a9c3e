"""`manage.py mcp --token siyu_…`: the MCP server over stdio, for desktop agents (Claude
Desktop, Cursor) that start a local process instead of calling /mcp."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest

from bots.models import BotClient
from integrations.mcp import serve_stdio


class Command(BaseCommand):
    help = "Serve the MCP tools over stdin/stdout for one bot token (local desktop agents)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--token",
            default=os.environ.get("SIYU_BOT_TOKEN", ""),
            help="The bot client's token (or set SIYU_BOT_TOKEN).",
        )

    def handle(self, *args, token: str, **options):
        client = BotClient.authenticate(token.strip())
        if client is None:
            raise CommandError("The token is unknown, expired or revoked.")
        base = urlsplit(settings.WAGTAILADMIN_BASE_URL)  # absolute URLs (images) point here
        request = HttpRequest()
        request.method = "POST"
        request.path = "/mcp"
        request.META.update(
            SERVER_NAME=base.hostname or "localhost",
            SERVER_PORT=str(base.port or (443 if base.scheme == "https" else 80)),
            HTTP_HOST=base.netloc,
        )
        request._get_scheme = lambda: base.scheme  # no WSGI environ to read it from
        request.auth = client
        serve_stdio(request)
