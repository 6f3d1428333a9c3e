from datetime import date

import factory

from editorial_calendar.models import CalendarEntry, HotTopic
from tests.personas.factories import PersonaChannelFactory, PersonaFactory


class HotTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HotTopic

    name = factory.Sequence(lambda n: f"热点{n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    category = "ecommerce"
    start = date(2026, 11, 11)
    end = date(2026, 11, 11)
    lead_days = 14


def persona_on(*channels, **kwargs):
    persona = PersonaFactory(**kwargs)
    for channel in channels:
        PersonaChannelFactory(persona=persona, channel=channel, daily_post_limit=2)
    return persona


class CalendarEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarEntry

    date = date(2026, 11, 20)
    persona = factory.LazyFunction(lambda: persona_on("wechat"))
    channel = "wechat"
    title = factory.Sequence(lambda n: f"排期{n}")
    status = "idea"
