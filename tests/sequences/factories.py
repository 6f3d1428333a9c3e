import uuid
from datetime import time

import factory

from personas.enums import Channel
from sequences.enums import SequenceTrigger, Timing
from sequences.models import Sequence
from tests.personas.factories import PersonaFactory


def step(timing=Timing.DAY, *, id=None, title="", day=None, time_=None, offset=None,
         unit="hours", week=None, weekday=None, at=None, script=None, messages=None,
         condition=""):  # fmt: skip
    """A raw step block (as StreamField data) with a stable id."""
    value = {
        "title": title,
        "timing": timing,
        "day": day,
        "time": time_.isoformat() if isinstance(time_, time) else time_,
        "offset": offset,
        "unit": unit,
        "week": week,
        "weekday": str(weekday) if weekday is not None else None,
        "at": at.isoformat() if at is not None else None,
        "script": script.pk if script is not None else None,
        "messages": [
            {"type": kind, "value": val, "id": str(uuid.uuid4())}
            for kind, val in (
                messages if messages is not None else ([] if script else [("text", "早上好～")])
            )
        ],
        "condition": condition,
    }
    return {"type": "step", "value": value, "id": id or str(uuid.uuid4())}


def day(n, hhmm="09:00", **kwargs):
    return step(Timing.DAY, day=n, time_=hhmm, **kwargs)


class SequenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sequence
        skip_postgeneration_save = True

    persona = factory.SubFactory(PersonaFactory)
    name = factory.Sequence(lambda n: f"培育流程{n}")
    slug = factory.Sequence(lambda n: f"sequence-{n}")
    channel = Channel.WECHAT
    trigger = SequenceTrigger.FRIEND_ADDED
    steps = factory.LazyFunction(lambda: [day(0, "10:00"), day(1, "09:00")])

    @classmethod
    def _create(cls, model_class, *args, publish=True, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.live = publish
        obj.save()
        revision = obj.save_revision()
        if publish:
            revision.publish()
        obj.refresh_from_db()
        return obj
