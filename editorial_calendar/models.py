from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from content.enums import UsageEvent
from core.fields import LineListField
from personas.enums import Channel

from .enums import ACTIONABLE, TRANSITIONS, Category, EntryStatus, SensitiveRule

MAX_LEAD_DAYS = 180
MAX_PAUSE_DAYS = 366


class HotTopicQuerySet(models.QuerySet):
    def touching(self, first, last):
        """Topics whose preparation window or dates overlap [first, last] (a superset query;
        `prepare_from` is checked in Python by callers that need it exactly)."""
        return self.filter(start__lte=last + timedelta(days=MAX_LEAD_DAYS), end__gte=first)


class HotTopic(index.Indexed, models.Model):
    """A hot topic (热点): a holiday, festival, solar term, sale or trend worth planning for."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("Used by scripts and bots to refer to the topic; it cannot change later."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    lead_days = models.PositiveSmallIntegerField(
        _("lead days"),
        default=14,
        validators=[MaxValueValidator(MAX_LEAD_DAYS)],
        help_text=_("How many days ahead preparation should begin."),
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    angles = LineListField(_("content angles"), max_item_length=100, max_items=30)
    generated = models.BooleanField(
        _("generated"),
        default=False,
        editable=False,
        help_text=_("Created by `hot_topics generate`."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = HotTopicQuerySet.as_manager()

    search_fields = [
        index.SearchField("name", boost=3),
        index.SearchField("description"),
        index.FilterField("category"),
        index.FilterField("start"),
    ]

    class Meta:
        ordering = ["start", "name"]
        verbose_name = _("hot topic")
        verbose_name_plural = _("hot topics")
        indexes = [models.Index(fields=["start", "end"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.start:%Y-%m-%d}）"

    @property
    def prepare_from(self):
        return self.start - timedelta(days=self.lead_days)

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot be before the start.")})
        if self.pk:
            old_slug = type(self).objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if old_slug and old_slug != self.slug:
                raise ValidationError(
                    {"slug": _("The slug cannot change: scripts and bots refer to it.")}
                )


class CalendarEntryQuerySet(models.QuerySet):
    def actionable(self):
        """Entries a bot may act on: approved, scheduled or published, and not held by a pause."""
        return self.filter(status__in=ACTIONABLE).exclude(self.held_q())

    @staticmethod
    def held_q():
        """Entries on a day that a pause (not resumed) covers."""
        return Exists(CalendarPause.objects.active().covering(OuterRef("date")))

    def between(self, first, last):
        return self.filter(date__gte=first, date__lte=last)


class CalendarEntry(index.Indexed, models.Model):
    """A planned slot (排期): a persona posting on a channel on a day, for a hot topic."""

    date = models.DateField(_("date"))
    time = models.TimeField(_("time"), null=True, blank=True)
    persona = models.ForeignKey(
        "personas.Persona",
        verbose_name=_("persona"),
        on_delete=models.CASCADE,
        related_name="calendar_entries",
    )
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=100)
    hot_topic = models.ForeignKey(
        HotTopic,
        verbose_name=_("hot topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    script = models.ForeignKey(
        "content.Script",
        verbose_name=_("script"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calendar_entries",
        help_text=_("Leave empty while this is only an idea."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calendar_entries",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.IDEA
    )
    review_comment = models.TextField(_("review comment"), blank=True, max_length=1000)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CalendarEntryQuerySet.as_manager()

    # The admin's search and the list's search box (search.analysis through the backend);
    # the filters are the list's.
    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("notes"),
        index.FilterField("persona_id"),
        index.FilterField("channel"),
        index.FilterField("status"),
        index.FilterField("date"),
        index.FilterField("owner_id"),
    ]

    class Meta:
        ordering = ["date", "time", "pk"]
        verbose_name = _("calendar entry")
        verbose_name_plural = _("calendar entries")
        indexes = [models.Index(fields=["date", "persona", "channel"])]
        permissions = [("review_calendarentry", _("Can approve and send back calendar entries"))]

    def __str__(self) -> str:
        return f"{self.date:%m-%d} {self.title}"

    def clean(self):
        super().clean()
        errors = {}
        if self.persona_id and self.channel:
            runs = self.persona.channels.filter(channel=self.channel).exists()
            if not runs:
                errors["channel"] = _(
                    "%(persona)s has no account on %(channel)s; add one to the persona first."
                ) % {"persona": self.persona.name, "channel": self.get_channel_display()}
        if self.script_id and self.persona_id and self.script.persona_id != self.persona_id:
            errors["script"] = _("This script belongs to another persona.")
        if errors:
            raise ValidationError(errors)

    def script_mismatch(self, in_moderation: bool | None = None) -> str:
        """Why the linked script's moderation state disagrees with this entry's status, or ''.

        `in_moderation` (is the script in a workflow?) can be given to save a query."""
        if self.script_id is None:
            if self.status in ACTIONABLE:
                return str(_("No script linked."))
            return ""
        script = self.script
        if self.status in ACTIONABLE and not script.live:
            return str(_("Script not published."))
        if self.status in ACTIONABLE and script.has_unpublished_changes:
            return str(_("Script has unpublished changes."))
        if (
            self.status == EntryStatus.IN_REVIEW
            and not script.live
            and not (script.workflow_in_progress if in_moderation is None else in_moderation)
        ):
            return str(_("Script not submitted for moderation."))
        return ""

    def outcome_totals(self) -> list[tuple[str, int]]:
        """(label, count) of what bots reported for this slot."""
        outcome = self.outcome or {}
        return [(label, int(outcome.get(value, 0))) for value, label in UsageEvent.choices]

    def outcome_summary(self) -> str:
        return " · ".join(f"{label} {n}" for label, n in self.outcome_totals() if n)

    @classmethod
    def add_outcome(cls, totals: dict[tuple[int, str], int]) -> None:
        """Add reported counts to entries' outcome: {(entry id, event type): count}. Rows are
        locked while updated, so concurrent reports add up."""
        with transaction.atomic():
            ids = {entry_id for entry_id, _type in totals}
            entries = cls.objects.select_for_update().filter(pk__in=ids).only("pk", "outcome")
            for entry in entries:
                outcome = dict(entry.outcome or {})
                for (entry_id, event_type), count in totals.items():
                    if entry_id == entry.pk:
                        outcome[event_type] = int(outcome.get(event_type, 0)) + count
                cls.objects.filter(pk=entry.pk).update(outcome=outcome)

    def is_actionable(self, pauses: list[tuple[date, date]] | None = None) -> bool:
        """What ``CalendarEntry.objects.actionable()`` selects, for one loaded entry. `pauses`
        (the active pauses' (start, end), read once by the caller) saves a query."""
        if self.status not in ACTIONABLE:
            return False
        if pauses is None:
            return not self.is_held()
        return not any(start <= self.date <= end for start, end in pauses)

    def is_held(self) -> bool:
        """Whether a pause (not resumed) covers this entry's day."""
        return CalendarPause.objects.active().covering(self.date).exists()

    def allowed_next(self) -> set[str]:
        return set(TRANSITIONS.get(self.status, set()))


class FeedToken(models.Model):
    """The secret in a user's personal ICS feed URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.token[:6]}…"

    @classmethod
    def for_user(cls, user) -> FeedToken:
        token, _created = cls.objects.get_or_create(
            user=user, defaults={"token": secrets.token_urlsafe(32)}
        )
        return token

    def rotate(self) -> None:
        self.token = secrets.token_urlsafe(32)
        self.save(update_fields=["token"])


class SensitiveDate(models.Model):
    """A day on which marketing itself is the risk (a national memorial day): every year on
    its month and day, or on a solar term (清明) whose date moves."""

    name = models.CharField(_("name"), max_length=100)
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    solar_term = models.CharField(
        _("solar term"),
        max_length=10,
        blank=True,
        help_text=_("Instead of month and day, for days that move with the solar terms (清明)."),
    )
    rule = models.CharField(_("rule"), max_length=20, choices=SensitiveRule.choices)
    note = models.TextField(_("note"), blank=True, max_length=1000)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["month", "day", "name"]
        verbose_name = _("sensitive date")
        verbose_name_plural = _("sensitive dates")

    def __str__(self) -> str:
        return f"{self.when} {self.name}"

    @property
    def when(self) -> str:
        """The day it falls on: a solar term (清明) or month·day (5·12)."""
        return self.solar_term or f"{self.month}·{self.day}"

    def clean(self):
        super().clean()
        from .holidays import solar_term_day

        if self.solar_term:
            try:
                solar_term_day(self.solar_term, 2026)
            except KeyError:
                raise ValidationError(
                    {"solar_term": _("Not one of the 24 solar terms, e.g. 清明.")}
                ) from None
            return
        if self.month is None or self.day is None:
            raise ValidationError(_("Give a month and a day, or a solar term."))
        try:
            date(2024, self.month, self.day)  # a leap year: 2-29 is allowed
        except ValueError:
            raise ValidationError({"day": _("There is no such day in that month.")}) from None

    def on(self, year: int):
        """This date in `year`, or None (2-29 in a common year, a year outside 2000–2100)."""
        from .holidays import YearOutOfRange, solar_term_day

        try:
            if self.solar_term:
                return solar_term_day(self.solar_term, year)
            return date(year, self.month, self.day)
        except (ValueError, TypeError, KeyError, YearOutOfRange):
            return None


class CalendarPauseQuerySet(models.QuerySet):
    def active(self):
        return self.filter(resumed_at__isnull=True)

    def covering(self, day):
        return self.filter(start__lte=day, end__gte=day)

    def overlapping(self, first, last):
        return self.filter(start__lte=last, end__gte=first)


class CalendarPause(models.Model):
    """A date range a manager paused (national mourning, a disaster): the entries in it are
    held — bots do not see them — until the pause is resumed."""

    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paused by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("paused at"), auto_now_add=True)
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True, editable=False)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resumed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = CalendarPauseQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("calendar pause")
        verbose_name_plural = _("calendar pauses")
        indexes = [models.Index(fields=["start", "end"])]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}–{self.end:%Y-%m-%d} {self.reason}"

    @property
    def is_active(self) -> bool:
        return self.resumed_at is None

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot be before the start.")})
        if self.start and self.end and (self.end - self.start).days > MAX_PAUSE_DAYS:
            raise ValidationError(
                {"end": _("A pause is at most %(n)d days long.") % {"n": MAX_PAUSE_DAYS}}
            )
        if self.pk:
            old = type(self).objects.filter(pk=self.pk).values("start", "end").first()
            if old and (old["start"], old["end"]) != (self.start, self.end):
                raise ValidationError(
                    _("The dates of a pause cannot change: resume it and pause again.")
                )
