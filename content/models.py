"""Scripts: one table, four kinds.

``Script`` holds every kind's fields; ``MomentScript``, ``GroupScript``, ``LivestreamScript``
and ``ChatScript`` are proxy models, each with its own editor, preview, permissions and
moderation workflow (Wagtail resolves revisions and workflows per proxy content type). One table
gives every script one id across kinds, which the delivery API relies on
(``/api/v1/scripts/{id}/``), and lets search, usage totals and the calendar refer to any script.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from core.fields import LineListField
from core.publishing import SerialisedPublishingMixin
from personas.publication import is_published, published_q

from . import variables as vars_
from .blocks import SegmentBlock, VariableBlock, message_blocks
from .enums import (
    MAX_MOMENT_IMAGES,
    GroupPurpose,
    GroupType,
    Kind,
    LintCategory,
    LintLevel,
    Stage,
    Trigger,
    UsageEvent,
)
from .evidence import record_publish
from .fields import ChoiceListField
from .gates import require_clear
from .links import persona_conflict


class ScriptTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.Script", related_name="tagged_items", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("script tag")
        verbose_name_plural = _("script tags")


class ScriptQuerySet(models.QuerySet):
    def live(self):
        return self.filter(live=True)

    def valid_at(self, moment=None):
        """Inside the validity window at `moment` (default: now)."""
        moment = moment or timezone.now()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=moment),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=moment),
        )

    def deliverable(self, moment=None):
        """What bots may see (scope aside): published, inside Wagtail's go-live/expiry (applied
        here, not only when ``publish_scheduled`` runs) and inside the validity window."""
        moment = moment or timezone.now()
        return self.filter(published_q(moment)).valid_at(moment)

    def narrow(self, *, kind=None, stage=None, audience=None, tags=(), hot_topic=None):
        """The filters of the API and search: each given one narrows; every tag must match.
        Subqueries rather than joins, so a script never appears twice."""
        scripts = self
        if kind:
            scripts = scripts.filter(kind=kind)
        if stage:
            scripts = scripts.filter(stage=stage)
        if audience is not None:
            scripts = scripts.filter(
                pk__in=Script.audiences.through.objects.filter(
                    audiencesegment__slug=audience
                ).values("script_id")
            )
        if tags:  # one subquery however many tags: the scripts holding every one of them
            held = ScriptTag.objects.filter(tag__name__in=set(tags)).values("content_object_id")
            held = held.annotate(n=models.Count("tag", distinct=True)).filter(n=len(set(tags)))
            scripts = scripts.filter(pk__in=held.values("content_object_id"))
        if hot_topic is not None:
            scripts = scripts.filter(hot_topic=hot_topic)
        return scripts


class Script(
    SerialisedPublishingMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, editable=False)
    persona = models.ForeignKey(
        "personas.Persona",
        verbose_name=_("persona"),
        on_delete=models.PROTECT,
        related_name="scripts",
    )
    title = models.CharField(_("title"), max_length=100)
    stage = models.CharField(_("lifecycle stage"), max_length=20, choices=Stage.choices)
    audiences = ParentalManyToManyField(
        "personas.AudienceSegment", verbose_name=_("audiences"), blank=True, related_name="+"
    )
    tags = ClusterTaggableManager(through=ScriptTag, blank=True, verbose_name=_("tags"))
    hot_topic = models.SlugField(
        _("hot topic"),
        max_length=100,
        blank=True,
        help_text=_("The hot topic this script was written for, if any."),
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    variables = StreamField(
        [("variable", VariableBlock())], blank=True, verbose_name=_("variables")
    )
    messages = StreamField(message_blocks(), blank=True, verbose_name=_("messages"))

    # moment
    first_comment = models.TextField(_("first comment"), blank=True, max_length=2000)
    # group
    group_types = ChoiceListField(_("group types"), item_choices=GroupType.choices)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=GroupPurpose.choices, blank=True
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices, blank=True)
    # livestream
    segments = StreamField([("segment", SegmentBlock())], blank=True, verbose_name=_("segments"))
    # chat
    triggers = LineListField(_("trigger keywords"), max_item_length=50, max_items=50)

    external_id = models.CharField(
        _("external ID"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Key used by import_content to update this script instead of adding one."),
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScriptQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("keywords", boost=2),
        index.SearchField("search_text"),
        index.FilterField("kind"),
        index.FilterField("live"),
        index.FilterField("go_live_at"),
        index.FilterField("expire_at"),
        index.FilterField("persona_id"),
        index.FilterField("stage"),
        index.FilterField("valid_from"),
        index.FilterField("valid_until"),
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("script")
        verbose_name_plural = _("scripts")
        indexes = [
            models.Index(fields=["kind", "persona", "stage"]),
            # The API's list order: newest change first, read in index order page by page.
            models.Index(fields=["-updated_at", "-id"], name="content_script_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    # Kind-specific proxies set these ----------------------------------------------------------
    KIND: str = ""

    def save(self, *args, **kwargs):
        if self.KIND:
            self.kind = self.KIND
        if self.external_id == "":
            self.external_id = None
        self.search_text = "\n".join(text for _where, text in self.iter_texts())
        super().save(*args, **kwargs)

    def as_kind(self) -> Script:
        """This row as an instance of its kind's proxy model."""
        model = KIND_MODELS[self.kind]
        if type(self) is model:
            return self
        obj = model.__new__(model)
        obj.__dict__ = self.__dict__
        return obj

    # Texts and variables ----------------------------------------------------------------------
    def before_publish(self, revision, user) -> None:
        """Every publish path (SerialisedPublishingMixin): open compliance errors refuse it."""
        require_clear(self)

    def after_publish(self, revision, user) -> None:
        """Every publish keeps its compliance record (content/evidence.py)."""
        record_publish(self, revision, user)

    def iter_texts(self) -> Iterator[tuple[str, str]]:
        """(where, text) for every piece of text a user will read, in order."""
        for i, block in enumerate(self.messages or []):
            where = f"messages.{i}"
            if block.block_type == "text":
                yield where, block.value
            elif block.block_type in {"link", "miniprogram"}:
                yield f"{where}.title", block.value["title"]
                if block.block_type == "link" and block.value.get("description"):
                    yield f"{where}.description", block.value["description"]
            elif block.block_type in {"video", "file"} and block.value.get("title"):
                yield f"{where}.title", block.value["title"]
        if self.first_comment:
            yield "first_comment", self.first_comment
        for i, block in enumerate(self.segments or []):
            if block.value.get("cue"):
                yield f"segments.{i}.cue", block.value["cue"]
            for j, line in enumerate(block.value.get("lines") or []):
                yield f"segments.{i}.lines.{j}", line

    @classmethod
    def get_indexed_objects(cls):
        # keywords() reads the tags: one query per rebuild chunk instead of one per script.
        return super().get_indexed_objects().prefetch_related("tags")

    def keywords(self) -> str:
        """Trigger keywords and tags: what people search by, ranked above body text."""
        return " ".join([*(self.triggers or []), *(tag.name for tag in self.tags.all())])

    def declared_variables(self) -> list[vars_.Variable]:
        return [
            vars_.Variable(
                name=block.value["name"],
                required=bool(block.value.get("required")),
                default=block.value.get("default") or "",
                description=block.value.get("description") or "",
            )
            for block in (self.variables or [])
        ]

    # Validation -------------------------------------------------------------------------------
    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        # Model validation does not run block validation; forms do, imports and the API do not.
        for name in ("variables", "messages", "segments"):
            stream_block = self._meta.get_field(name).stream_block
            try:
                stream_block.clean(getattr(self, name))
            except ValidationError as error:
                errors.setdefault(name, []).append(error)
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            errors.setdefault("valid_until", []).append(
                _("“Valid until” must be later than “valid from”.")
            )
        names = [variable.name for variable in self.declared_variables()]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            errors.setdefault("variables", []).append(
                _("Variables declared twice: %(names)s") % {"names": ", ".join(duplicates)}
            )
        problems = vars_.check(
            (text for _where, text in self.iter_texts()), self.declared_variables()
        )
        for problem in problems:
            field = "variables" if problem.code == "unused_required" else self._text_field()
            errors.setdefault(field, []).append(problem.message)
        for field, message in self.clean_kind():
            errors.setdefault(field, []).append(message)
        if conflict := persona_conflict(self):
            errors.setdefault("persona", []).append(conflict)
        if errors:
            raise ValidationError(errors)

    def _text_field(self) -> str:
        return "segments" if self.kind == Kind.LIVESTREAM and not self.messages else "messages"

    def clean_kind(self) -> list[tuple[str, str]]:
        """Kind-specific rules; (field, message) pairs."""
        return []

    def is_deliverable(self, moment=None) -> bool:
        """What ``Script.objects.deliverable()`` selects, for one loaded script."""
        moment = moment or timezone.now()
        return (
            is_published(self, moment)
            and (self.valid_from is None or self.valid_from <= moment)
            and (self.valid_until is None or self.valid_until > moment)
        )

    def has_message(self) -> bool:
        """At least one message that is not just a delay."""
        return any(block.block_type != "delay" for block in self.messages or [])

    # Preview ----------------------------------------------------------------------------------
    @property
    def preview_modes(self):
        return [("", _("WeChat preview"))]

    def get_preview_template(self, request, mode_name):
        return f"content/preview/{self.kind or self.KIND}.html"

    def get_preview_context(self, request, mode_name):
        from .preview import preview_context

        context = super().get_preview_context(request, mode_name)
        context.update(preview_context(self))
        return context


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
        types = [block.block_type for block in self.messages or []]
        images = types.count("image")
        if types.count("text") != 1:
            problems.append(("messages", _("A moments post has exactly one text.")))
        if images > MAX_MOMENT_IMAGES:
            problems.append(
                (
                    "messages",
                    _("A moments post shows at most 9 images; this one has %(count)d.")
                    % {"count": images},
                )
            )
        if types.count("video") > 1 or (types.count("video") and images):
            problems.append(("messages", _("A moments post has either images or one video.")))
        if types.count("link") + types.count("miniprogram") > 1:
            problems.append(
                ("messages", _("A moments post has at most one link or mini-program card."))
            )
        if {"delay", "file"} & set(types):
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


class ScriptUsage(models.Model):
    """Totals of what bots reported (数据反哺). Kept apart from the script: not revisioned."""

    script = models.OneToOneField(Script, on_delete=models.CASCADE, related_name="usage")
    sent = models.PositiveBigIntegerField(_("sent"), default=0)
    delivered = models.PositiveBigIntegerField(_("delivered"), default=0)
    read = models.PositiveBigIntegerField(_("read"), default=0)
    clicked = models.PositiveBigIntegerField(_("clicked"), default=0)
    replied = models.PositiveBigIntegerField(_("replied"), default=0)
    converted = models.PositiveBigIntegerField(_("converted"), default=0)

    class Meta:
        verbose_name = _("usage totals")
        verbose_name_plural = _("usage totals")

    def __str__(self) -> str:
        return f"{self.script_id}: {self.sent}/{self.clicked}/{self.converted}"

    @classmethod
    def totals_of(cls, script) -> list[tuple[str, int]]:
        """(label, count) for each event type, zeros while nothing was reported."""
        usage = cls.objects.filter(script_id=script.pk).first()
        return [(label, getattr(usage, value, 0) if usage else 0)
                for value, label in UsageEvent.choices]  # fmt: skip

    @classmethod
    def add(cls, totals: dict[tuple[int, str], int]) -> None:
        """Add reported counts: {(script id, event type): count}. Atomic per row (F())."""
        for (script_id, event_type), count in totals.items():
            usage, _created = cls.objects.get_or_create(script_id=script_id)
            cls.objects.filter(pk=usage.pk).update(**{event_type: models.F(event_type) + count})


class LintTerm(models.Model):
    """A word the compliance lint looks for in every script (global list, managed in the admin)."""

    term = models.CharField(_("term"), max_length=50, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=LintCategory.choices)
    level = models.CharField(
        _("level"), max_length=10, choices=LintLevel.choices, default=LintLevel.ERROR
    )
    allowed_in = LineListField(
        _("allowed inside"),
        max_item_length=20,
        help_text=_("Words that contain the term but are fine, one per line (e.g. 最近 for 最)."),
    )
    note = models.CharField(_("why"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "term"]
        verbose_name = _("lint term")
        verbose_name_plural = _("lint terms")

    def __str__(self) -> str:
        return self.term
