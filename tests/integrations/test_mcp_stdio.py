"""`manage.py mcp --token`: the stdio server refuses a token it does not know before serving."""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_a_bad_token_is_refused(bot):
    with pytest.raises(CommandError, match="unknown, expired or revoked"):
        call_command("mcp", token="siyu_not-a-token")
