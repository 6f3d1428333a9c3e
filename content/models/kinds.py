"""The four kinds of script: proxy models of ``Script``, each with its own editor, preview,
permissions, moderation workflow and rules (``clean_kind``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import MAX_MOMENT_IMAGES, GroupType, Kind
from ..messages import REGISTRY
from .script import Script, ScriptQuerySet


class KindManager(models.Manager):
    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return ScriptQuerySet(self.model, using=self._db).filter(kind=self.kind)


class MomentScript(Script):
    KIND = Kind.MOMENT
    objects = KindManager(Kind.MOMENT)

    class Meta:
        proxy = True
        verbose_name = _("moments post")
        verbose_name_plural = _("moments posts")

    def clean_kind(self):
        problems = []
        # Each message type says where it fits in a moments post (its moment_slot).
        slots = [REGISTRY[block.block_type].moment_slot for block in self.messages or []]
        images, videos = slots.count("images"), slots.count("video")
        if slots.count("text") != 1:
            problems.append(("messages", _("A moments post has exactly one text.")))
        if images > MAX_MOMENT_IMAGES:
            problems.append(
                (
                    "messages",
                    _("A moments post shows at most 9 images; this one has %(count)d.")
                    % {"count": images},
                )
            )
        if videos > 1 or (videos and images):
            problems.append(("messages", _("A moments post has either images or one video.")))
        if slots.count("card") > 1:
            problems.append(
                ("messages", _("A moments post has at most one link or mini-program card."))
            )
        if None in slots:
            problems.append(("messages", _("Delays and files cannot be posted to moments.")))
        return problems


class GroupScript(Script):
    KIND = Kind.GROUP
    objects = KindManager(Kind.GROUP)

    class Meta:
        proxy = True
        verbose_name = _("group script")
        verbose_name_plural = _("group scripts")

    def clean_kind(self):
        problems = []
        if not self.has_message():
            problems.append(("messages", _("A group script needs at least one message.")))
        unknown = set(self.group_types or []) - set(GroupType.values)
        if unknown:
            problems.append(
                ("group_types", _("Unknown group type: %(v)s") % {"v": ", ".join(sorted(unknown))})
            )
        return problems


class LivestreamScript(Script):
    KIND = Kind.LIVESTREAM
    objects = KindManager(Kind.LIVESTREAM)

    class Meta:
        proxy = True
        verbose_name = _("livestream script")
        verbose_name_plural = _("livestream scripts")

    def clean_kind(self):
        if not self.segments:
            return [("segments", _("A livestream script needs at least one segment."))]
        return []

    @property
    def total_minutes(self) -> int:
        return sum(block.value["minutes"] or 0 for block in self.segments or [])


class ChatScript(Script):
    KIND = Kind.CHAT
    objects = KindManager(Kind.CHAT)

    class Meta:
        proxy = True
        verbose_name = _("chat reply")
        verbose_name_plural = _("chat replies")

    def clean_kind(self):
        problems = []
        if not self.triggers:
            problems.append(("triggers", _("Add at least one keyword or intent.")))
        if not self.has_message():
            problems.append(("messages", _("A chat reply needs at least one message.")))
        return problems


KIND_MODELS: dict[str, type[Script]] = {
    Kind.MOMENT: MomentScript,
    Kind.GROUP: GroupScript,
    Kind.LIVESTREAM: LivestreamScript,
    Kind.CHAT: ChatScript,
}
