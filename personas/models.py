from django.core.validators import MinValueValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

from core.fields import LineListField
from core.publishing import SerialisedPublishingMixin

from .enums import DEFAULT_CAPACITY, Archetype, Channel, Industry
from .publication import is_published, published_q


class AudienceSegment(index.Indexed, models.Model):
    """A user layer (用户分层) that scripts target: new, active, VIP, KOC, dormant ..."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    # The list's search box goes through the Chinese analysis (search/), like every list.
    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("slug"),
        index.SearchField("description"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("audience segment")
        verbose_name_plural = _("audience segments")

    def __str__(self) -> str:
        return self.name


class PersonaQuerySet(models.QuerySet):
    def live(self):
        return self.filter(live=True)

    def deliverable(self, moment=None):
        """Personas bots may see (scope aside): published and inside Wagtail's go-live/expiry
        at `moment` (default: now), whether or not ``publish_scheduled`` has run."""
        return self.filter(published_q(moment or timezone.now()))


class Persona(
    SerialisedPublishingMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """A brand persona (人设IP): who speaks, to whom, and how."""

    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        help_text=_("Latin letters, digits and hyphens; bots use it to ask for this persona."),
    )
    brand = models.CharField(_("brand"), max_length=100)
    archetype = models.CharField(_("archetype"), max_length=30, choices=Archetype.choices)
    industry = models.CharField(
        _("industry"),
        max_length=20,
        choices=Industry.choices,
        default=Industry.GENERAL,
        blank=True,  # left empty (older forms, imports): treated as general, every pack applies
        help_text=_("Decides which compliance rule packs apply to this persona's scripts."),
    )
    positioning = models.CharField(
        _("positioning"),
        max_length=200,
        blank=True,
        help_text=_(
            "The vertical this persona owns, e.g. “skincare ingredients for sensitive skin”."
        ),
    )
    signature = models.CharField(
        _("signature"),
        max_length=30,
        blank=True,
        help_text=_("The WeChat profile signature, at most 30 characters."),
    )
    bio = models.TextField(_("bio"), blank=True, max_length=2000)
    relationship = models.TextField(
        _("relationship stance"),
        blank=True,
        max_length=1000,
        help_text=_("How the persona stands toward users: a friend, a big sister, a coach ..."),
    )
    avatar = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("avatar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Voice
    tone_words = LineListField(_("tone words"), max_item_length=20, max_items=20)
    catchphrases = LineListField(_("catchphrases"), max_item_length=50, max_items=50)
    address_terms = LineListField(_("forms of address"), max_item_length=20, max_items=20)
    emoji_style = models.CharField(_("emoji style"), max_length=200, blank=True)
    sign_off = models.CharField(_("sign-off"), max_length=100, blank=True)
    do_examples = LineListField(_("do: example lines"), max_item_length=300, max_items=30)
    dont_examples = LineListField(_("don't: example lines"), max_item_length=300, max_items=30)
    banned_words = LineListField(_("banned words"), max_item_length=50, max_items=500)

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PersonaQuerySet.as_manager()

    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("brand"),
        index.SearchField("positioning"),
        index.SearchField("bio"),
        index.FilterField("live"),
        index.FilterField("go_live_at"),
        index.FilterField("expire_at"),
        index.FilterField("archetype"),
        index.FilterField("slug"),
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("persona")
        verbose_name_plural = _("personas")

    def __str__(self) -> str:
        return self.name

    # Preview -----------------------------------------------------------------------------
    @property
    def preview_modes(self):
        return [("profile", _("WeChat profile card")), ("brief", _("LLM brief"))]

    def get_preview_template(self, request, mode_name):
        # `mode_name` comes from the query string (?mode=): only a declared mode may become part
        # of a template path, or "../../bots/…" would render another app's template.
        if mode_name not in dict(self.preview_modes):
            raise Http404(_("This persona has no preview mode “%(mode)s”.") % {"mode": mode_name})
        return f"personas/preview/{mode_name}.html"

    def get_preview_context(self, request, mode_name):
        from .brief import build_brief

        context = super().get_preview_context(request, mode_name)
        context["persona"] = self
        context["channels"] = list(self.channels.all())
        context["brief"] = build_brief(self)
        return context

    # Domain helpers ------------------------------------------------------------------------
    def is_deliverable(self, moment=None) -> bool:
        """What ``Persona.objects.deliverable()`` selects, for one loaded persona."""
        return is_published(self, moment or timezone.now())

    def daily_limit(self, channel: str) -> int | None:
        """The most posts a day on `channel`: the strictest limit among its accounts there."""
        limits = [
            account.daily_post_limit
            for account in self.channels.all()
            if account.channel == channel and account.daily_post_limit
        ]
        return min(limits) if limits else None


class PersonaChannel(Orderable):
    """An account the persona runs on one channel."""

    persona = ParentalKey(Persona, related_name="channels", on_delete=models.CASCADE)
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    handle = models.CharField(
        _("handle"), max_length=100, help_text=_("WeChat ID, account name or group name.")
    )
    qr_code = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("QR code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Most friends or members the account can hold; left blank, the platform limit "
            "applies (5,000 for a personal WeChat, 500 for a group)."
        ),
    )
    daily_post_limit = models.PositiveSmallIntegerField(
        _("daily post limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Posts a day on this channel before users tire of it (fatigue warning)."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("channel account")
        verbose_name_plural = _("channel accounts")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.handle}"

    def save(self, *args, **kwargs):
        if self.capacity is None:
            self.capacity = DEFAULT_CAPACITY.get(self.channel)
        super().save(*args, **kwargs)
