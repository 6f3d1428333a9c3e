"""sequence.published|unpublished|deleted, told to the clients that see the sequence."""

import json

import pytest

from bots.models import BotClient, Webhook
from tests.personas.factories import PersonaFactory
from tests.sequences.factories import SequenceFactory

pytestmark = pytest.mark.django_db


def test_publish_unpublish_and_delete_of_a_sequence(receiver, sent):
    xiaomei, other = PersonaFactory(slug="xiaomei"), PersonaFactory(slug="other")
    client, _token = BotClient.create("bot", personas=[xiaomei])
    Webhook.objects.create(client=client, url=receiver.url)
    with sent():
        sequence = SequenceFactory(persona=xiaomei, slug="camp")
        SequenceFactory(persona=other, slug="not-ours")
    payload = json.loads(receiver.requests[0]["body"])
    assert payload["event"] == "sequence.published"
    assert payload["slug"] == "camp" and payload["persona"] == "xiaomei"
    with sent():
        sequence.unpublish()
    with sent():
        sequence.delete()
    assert receiver.events() == ["sequence.published", "sequence.unpublished", "sequence.deleted"]


def test_a_draft_sequence_deleted_is_nobodys_news(receiver, sent):
    xiaomei = PersonaFactory(slug="xiaomei")
    client, _token = BotClient.create("bot", personas=[xiaomei])
    Webhook.objects.create(client=client, url=receiver.url)
    with sent():
        SequenceFactory(persona=xiaomei, publish=False).delete()
    assert receiver.requests == []
