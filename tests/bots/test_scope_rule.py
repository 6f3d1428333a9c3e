"""BotClient's one visibility rule: the set form (visible_personas / visible) and the test for
one object (sees) agree on every case, for scoped, all-persona and revoked clients."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bots.models import BotClient
from content.models import Script
from editorial_calendar.models import CalendarEntry
from personas.models import Persona
from sequences.models import Sequence
from tests.content.factories import MomentScriptFactory
from tests.editorial_calendar.factories import CalendarEntryFactory
from tests.personas.factories import PersonaChannelFactory, PersonaFactory
from tests.sequences.factories import SequenceFactory

pytestmark = pytest.mark.django_db


def test_sees_agrees_with_visible(django_assert_max_num_queries):
    now = timezone.now()
    hour = timedelta(hours=1)
    personas = {
        "published": PersonaFactory(),
        "draft": PersonaFactory(live=False, publish=False),
        "expired": PersonaFactory(expire_at=now - hour),
        "not_yet": PersonaFactory(),
        "outside": PersonaFactory(),
    }
    Persona.objects.filter(pk=personas["not_yet"].pk).update(go_live_at=now + hour)
    scripts, entries = [], []
    for persona in personas.values():
        PersonaChannelFactory(persona=persona, channel="wechat")
        scripts += [
            MomentScriptFactory(persona=persona, title="go-live later"),
            MomentScriptFactory(persona=persona, title="plain"),
            MomentScriptFactory(persona=persona, publish=False),
            MomentScriptFactory(persona=persona, expire_at=now - hour),
            MomentScriptFactory(persona=persona, valid_until=now - hour),
            MomentScriptFactory(persona=persona, valid_from=now + hour),
        ]
        SequenceFactory(persona=persona, name="plain")
        SequenceFactory(persona=persona, publish=False)
        SequenceFactory(persona=persona, expire_at=now - hour)
        entries += [
            CalendarEntryFactory(persona=persona, status=status)
            for status in ("approved", "scheduled", "published", "idea", "cancelled")
        ]
    Script.objects.filter(title="go-live later").update(go_live_at=now + hour)
    scoped_to = [p for name, p in personas.items() if name != "outside"]
    scoped, _t = BotClient.create("scoped", personas=scoped_to)
    everything, _t = BotClient.create("all", all_personas=True)
    revoked, _t = BotClient.create("revoked", all_personas=True)
    revoked.revoke()
    objects = [
        *Persona.objects.all(),
        *Script.objects.select_related("persona"),
        *CalendarEntry.objects.select_related("persona"),
        *Sequence.objects.select_related("persona"),
    ]
    expected = {
        "scoped": ["published"],
        "all": ["published", "outside"],
        "revoked": [],
    }
    for client in (scoped, everything, revoked):
        client = BotClient.objects.get(pk=client.pk)
        visible = {
            (Persona, pk) for pk in client.visible_personas().values_list("pk", flat=True)
        } | {
            (model, pk)
            for model in (Script, CalendarEntry, Sequence)
            for pk in client.visible(model.objects.all()).values_list("pk", flat=True)
        }
        # The scope and the calendar's active pauses, once per client.
        with django_assert_max_num_queries(2):
            seen = {(obj._meta.concrete_model, obj.pk) for obj in objects if client.sees(obj)}
        assert seen == visible, client.name
        # What that is: the plain script and the three actionable entries of each persona.
        names = expected[client.name]
        assert {pk for model, pk in seen if model is Persona} == {personas[n].pk for n in names}
        titles = {o.title for o in objects if isinstance(o, Script) and (Script, o.pk) in seen}
        assert titles == ({"plain"} if names else set())
        assert len([key for key in seen if key[0] is CalendarEntry]) == 3 * len(names)
        assert len([key for key in seen if key[0] is Sequence]) == len(names)
