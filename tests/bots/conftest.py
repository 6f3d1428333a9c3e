"""Webhook test fixtures: a receiver on loopback and a way to run the on-commit callbacks."""

import pytest

from .receiver import Receiver


@pytest.fixture
def receiver(settings):
    """An HTTP receiver on loopback, which only the on-premise setting lets webhooks reach."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """`with sent():` runs the on-commit callbacks (the webhook tasks) at the block's end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
