from unittest import mock

import factory

from content.enums import SEGMENT_NAMES
from content.models import ChatScript, GroupScript, LivestreamScript, MomentScript
from tests.personas.factories import PersonaFactory


def variable(name, required=True, default="", description=""):
    return (
        "variable",
        {"name": name, "required": required, "default": default, "description": description},
    )


def segment(name="content", minutes=10, cue="", lines=(), product="", type=None):
    """A run-of-show segment; a type code as `name` gives that type and its Chinese name."""
    if type is None and name in SEGMENT_NAMES:
        name, type = SEGMENT_NAMES[name], name
    value = {"name": name, "type": type or "", "minutes": minutes, "cue": cue}
    return ("segment", {**value, "lines": list(lines), "product": product})


class ScriptFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    persona = factory.SubFactory(PersonaFactory)
    title = factory.Sequence(lambda n: f"话术{n}")
    stage = "attract"
    messages = factory.LazyFunction(lambda: [("text", "宝子们，新品到啦～")])

    @classmethod
    def _create(cls, model_class, *args, publish=True, tags=(), audiences=(), **kwargs):
        obj = model_class(*args, **kwargs)
        obj.live = publish
        obj.save()
        if tags:
            obj.tags.set(list(tags))
        if audiences:
            obj.audiences.set(list(audiences))
        if tags or audiences:
            obj.save()
        revision = obj.save_revision()
        if publish:
            # Fixtures may hold what the gate refuses today (a script published before a rule
            # was added); tests of the gate publish through the real paths.
            with mock.patch("content.models.script.require_clear"):
                revision.publish()
        obj.refresh_from_db()
        return obj


class MomentScriptFactory(ScriptFactory):
    class Meta:
        model = MomentScript


class GroupScriptFactory(ScriptFactory):
    class Meta:
        model = GroupScript

    purpose = "welcome"
    trigger = "on_join"
    group_types = factory.LazyFunction(lambda: ["newcomer"])


class LivestreamScriptFactory(ScriptFactory):
    class Meta:
        model = LivestreamScript

    segments = factory.LazyFunction(
        lambda: [segment("warmup", 5, "挥手打招呼", ["宝子们晚上好"]), segment("demo", 10)]
    )


class ChatScriptFactory(ScriptFactory):
    class Meta:
        model = ChatScript

    triggers = factory.LazyFunction(lambda: ["在吗"])
