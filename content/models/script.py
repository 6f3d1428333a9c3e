"""Script: one table for every kind (the kinds are proxies, see kinds.py)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
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

from .. import messages as msgs
from .. import variables as vars_
from ..blocks import SegmentBlock, VariableBlock, message_blocks
from ..enums import GroupPurpose, GroupType, Kind, Stage, Trigger
from ..evidence import record_publish
from ..fields import ChoiceListField
from ..gates import require_clear
from ..links import persona_conflict
from .tags import ScriptTag


def new_external_id(kind: str) -> str:
    """A fresh key such as ``moment-3fa9c2d18e0b``: random rather than derived from the id, so
    it never meets a key an import brought from another database (48 bits: no collision in
    practice; the unique constraint catches one)."""
    return f"{kind or 'script'}-{secrets.token_hex(6)}"


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
    segments = StreamField(
        [("segment", SegmentBlock())], blank=True, collapsed=True, verbose_name=_("segments")
    )
    # chat
    triggers = LineListField(_("trigger keywords"), max_item_length=50, max_items=50)

    external_id = models.CharField(
        _("external ID"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "The script's key in import and export files. Generated when the script is "
            "created; it can be changed until the script is first published."
        ),
    )
    search_text = models.TextField(editable=False, blank=True, default="")
    # The cached compliance status of the LATEST revision (content/compliance_status.py keeps it).
    compliance_level = models.CharField(
        _("compliance"),
        max_length=10,
        choices=[("ok", _("OK")), ("warning", _("Warnings")), ("error", _("Errors"))],
        blank=True,
        default="",
        editable=False,
    )
    compliance_version = models.PositiveIntegerField(
        _("compliance rule version"), null=True, blank=True, editable=False
    )
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
            # Covers what the API's count checks (the deliverable rule and the scope), so a
            # list's COUNT(*) reads this narrow index instead of every wide row (12 → 1 ms at 10k).
            models.Index(
                fields=["live", "persona", "valid_from", "valid_until", "go_live_at", "expire_at"],
                name="content_script_deliverable",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # Kind-specific proxies set these ----------------------------------------------------------
    KIND: str = ""

    def save(self, *args, **kwargs):
        if self.KIND:
            self.kind = self.KIND
        if not self.external_id:
            self.external_id = self._kept_or_new_external_id()
        self.search_text = "\n".join(text for _where, text in self.iter_texts())
        super().save(*args, **kwargs)

    def _kept_or_new_external_id(self) -> str:
        """A row never loses its key: a revision written before keys existed (or a form that
        left it empty) keeps the one stored; a new script gets a new one."""
        if self.pk:
            stored = Script.objects.filter(pk=self.pk).values_list("external_id", flat=True)
            if stored and stored[0]:
                return stored[0]
        return new_external_id(self.kind or self.KIND)

    def as_kind(self) -> Script:
        """This row as an instance of its kind's proxy model."""
        from .kinds import KIND_MODELS  # the proxies subclass Script

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
        yield from msgs.iter_texts(self.messages)
        if self.first_comment:
            yield "first_comment", self.first_comment
        for i, block in enumerate(self.segments or []):
            if block.value.get("cue"):
                yield f"segments.{i}.cue", block.value["cue"]
            for j, line in enumerate(block.value.get("lines") or []):
                yield f"segments.{i}.lines.{j}", line
        yield from vars_.default_texts(self.variables)

    @classmethod
    def get_indexed_objects(cls):
        # keywords() reads the tags: one query per rebuild chunk instead of one per script.
        return super().get_indexed_objects().prefetch_related("tags")

    def keywords(self) -> str:
        """Trigger keywords and tags: what people search by, ranked above body text."""
        return " ".join([*(self.triggers or []), *(tag.name for tag in self.tags.all())])

    def declared_variables(self) -> list[vars_.Variable]:
        return vars_.declared(self.variables)

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
            (text for where, text in self.iter_texts() if not vars_.is_default(where)),
            self.declared_variables(),
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
        return any(msgs.REGISTRY[block.block_type].is_message for block in self.messages or [])

    # Preview ----------------------------------------------------------------------------------
    @property
    def preview_modes(self):
        return [("", _("WeChat preview"))]

    def get_preview_template(self, request, mode_name):
        return f"content/preview/{self.kind or self.KIND}.html"

    def get_preview_context(self, request, mode_name):
        from ..preview import preview_context

        context = super().get_preview_context(request, mode_name)
        context.update(preview_context(self))
        return context
