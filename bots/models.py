"""Bot clients of the delivery API: who may call it, for which personas, until when.

A token is shown once, when the client is created; only its SHA-256 digest is stored (tokens are
32 random bytes, so a fast hash is enough, and rotating SECRET_KEY does not invalidate them).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from django.apps import apps
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "siyu_"  # noqa: S105 - a public marker, not a secret
PREFIX_LENGTH = 8  # characters after TOKEN_PREFIX kept in clear to find the client


def token_digest(token: str) -> str:
    """What the database stores of a token (token_hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


class BotClient(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    token_prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    all_personas = models.BooleanField(_("all personas"), default=False)
    personas = models.ManyToManyField(
        "personas.Persona", verbose_name=_("personas"), blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("bot client")
        verbose_name_plural = _("bot clients")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def create(cls, name: str, *, personas=(), all_personas=False, expires_at=None):
        """Create a client; returns (client, token). The token is not stored and cannot be
        shown again."""
        while True:
            token = TOKEN_PREFIX + secrets.token_urlsafe(32)
            prefix = token[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + PREFIX_LENGTH]
            if not cls.objects.filter(token_prefix=prefix).exists():
                break
        client = cls.objects.create(
            name=name,
            token_prefix=prefix,
            token_hash=token_digest(token),
            all_personas=all_personas,
            expires_at=expires_at,
        )
        client.personas.set(personas)
        return client, token

    @classmethod
    def authenticate(cls, token: str, request=None) -> BotClient | None:
        """The active client holding `token`, or None (unknown, expired or revoked); through
        the shared cache when there is one (``bots.credentials``: versioned, so a revocation
        or scope change applies at every process's next request)."""
        if not token or not token.startswith(TOKEN_PREFIX):
            return None
        from .credentials import lookup

        return lookup(token, cls._authenticate_in_database, request)

    @classmethod
    def _authenticate_in_database(cls, token: str, request=None) -> BotClient | None:
        # One small query on every request without a shared cache: compiled once per process.
        # Given the request, the same statement reads the delivery generation (kept in the
        # database when there is no shared cache) for it: one query where there were two.
        from core import generation
        from core.api.statements import convert, first_row
        from core.cache import cache_is_shared

        prefix = token[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + PREFIX_LENGTH]
        names = tuple(field.attname for field in cls._meta.concrete_fields)
        with_generation = request is not None and not cache_is_shared()

        def build(_moment, value):
            rows = cls.objects.filter(token_prefix=value).order_by()
            if with_generation:
                rows = rows.annotate(delivery=generation.in_database())
                return rows.values_list(*names, "delivery")[:1]
            return rows.values_list(*names)[:1]

        key = ("bot-token", with_generation)
        row = first_row(key, build, timezone.now(), prefix)
        if row is None:
            return None
        if with_generation:
            generation.remember(request, row[-1])
            row = row[:-1]
        client = cls.from_db("default", names, tuple(convert(cls, names, row).values()))
        if not hmac.compare_digest(client.token_hash, token_digest(token)):
            return None
        return client if client.is_active else None

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def persona_ids(self) -> set[int] | None:
        """Personas this client may read; None means all."""
        if self.all_personas:
            return None
        return set(self.personas.values_list("pk", flat=True))

    def scope_key(self) -> tuple:
        """What this client's answers may be kept under besides the delivery generation: its
        id and its scope as this request's token check read it (a scope change is a new
        generation too, but a request that read the old scope keeps its own key)."""
        scope = tuple(self.__dict__.get("_checked_scope", ())) or None
        return (self.pk, self.all_personas, scope)

    # What this client may see: the one rule of the delivery API, /events/ and webhooks. --------
    # visible_personas()/visible() are its set form (querysets), sees() the same rule for one
    # loaded object — also for an in-memory copy "as it was before a change" (webhooks).

    def visible_personas(self, moment: datetime | None = None) -> models.QuerySet:
        """Personas this client may see at `moment` (default: now): published, inside Wagtail's
        go-live/expiry, in scope; none once the client is revoked or expired. A lazy queryset:
        ``persona__in=client.visible_personas()`` is a subquery, not a query of its own."""
        Persona = apps.get_model("personas", "Persona")
        if not self.is_active:
            return Persona.objects.none()
        personas = Persona.objects.deliverable(moment or timezone.now())
        if not self.all_personas:
            if "_checked_scope" in self.__dict__:  # read by this request's token check
                return personas.filter(pk__in=self._checked_scope)
            scope = BotClient.personas.through.objects.filter(botclient_id=self.pk)
            personas = personas.filter(pk__in=scope.values("persona_id"))
        return personas

    def visible(self, queryset: models.QuerySet, moment: datetime | None = None):
        """`queryset` (personas, scripts, sequences or calendar entries) narrowed to what this
        client may see at `moment`: a script or sequence must be deliverable, an entry
        actionable, and its persona visible."""
        moment = moment or timezone.now()
        label = queryset.model._meta.concrete_model._meta.label_lower
        if label == "personas.persona":
            return queryset.filter(pk__in=self.visible_personas(moment))
        if label == "content.script":
            queryset = queryset.deliverable(moment)
        elif label == "editorial_calendar.calendarentry":
            queryset = queryset.actionable()
        elif label == "sequences.sequence":
            queryset = queryset.deliverable(moment)
        else:
            raise TypeError(f"No visibility rule for {label}")
        # `persona_id + 0`, not `persona_id`: the same rows, but no index on the persona column
        # for the planner to choose. With the bare column SQLite walked the persona index and
        # sorted every visible script for a page of 20 (14 ms at 10k) instead of reading the
        # list-order index, and counted through the wide table rather than the covering
        # "deliverable" index (content.Script.Meta).
        return queryset.alias(_scope_persona=F("persona_id") + 0).filter(
            _scope_persona__in=self.visible_personas(moment)
        )

    def sees(self, obj, moment: datetime | None = None) -> bool:
        """Whether this client may see `obj` (a persona, script or calendar entry) at `moment`:
        what visible() selects, decided for one loaded object. The scope is read once per
        client instance."""
        if not self.is_active:
            return False
        moment = moment or timezone.now()
        label = obj._meta.concrete_model._meta.label_lower
        if label == "personas.persona":
            return obj.is_deliverable(moment) and self.in_scope(obj.pk)
        if label == "content.script":
            return obj.is_deliverable(moment) and self.sees(obj.persona, moment)
        if label == "editorial_calendar.calendarentry":
            return obj.is_actionable(self._active_pauses()) and self.sees(obj.persona, moment)
        if label == "sequences.sequence":
            return obj.is_deliverable(moment) and self.sees(obj.persona, moment)
        raise TypeError(f"No visibility rule for {label}")

    def _active_pauses(self) -> list:
        """(start, end) of the calendar's active pauses, read once per client instance."""
        if "_pauses" not in self.__dict__:
            CalendarPause = apps.get_model("editorial_calendar", "CalendarPause")
            self._pauses = list(CalendarPause.objects.active().values_list("start", "end"))
        return self._pauses

    def in_scope(self, persona_id: int) -> bool:
        """Whether the persona is in this client's scope (published or not)."""
        if self.all_personas:
            return True
        if "_scope" not in self.__dict__:
            prefetched = getattr(self, "_prefetched_objects_cache", {}).get("personas")
            self._scope = (
                {persona.pk for persona in prefetched}
                if prefetched is not None
                else set(self.personas.values_list("pk", flat=True))
            )
        return persona_id in self._scope


class ReportedEvent(models.Model):
    """One usage event a bot reported (POST /api/v1/events/), kept for audit and so that an
    idempotency key is counted once per client."""

    client = models.ForeignKey(BotClient, on_delete=models.CASCADE, related_name="events")
    # NULL is "no key": the unique constraint then allows any number of keyless events.
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    # None when the event names a sequence step written in place (no script).
    script_id = models.BigIntegerField(_("script"), null=True, blank=True)
    sequence_id = models.BigIntegerField(_("sequence"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=64, blank=True)
    calendar_entry_id = models.BigIntegerField(_("calendar entry"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=20)
    count = models.PositiveIntegerField(_("count"), default=1)
    occurred_at = models.DateTimeField(_("occurred at"))
    channel = models.CharField(_("channel"), max_length=30, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("reported event")
        verbose_name_plural = _("reported events")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "idempotency_key"], name="bots_event_unique_key_per_client"
            )
        ]
        indexes = [models.Index(fields=["script_id", "type"])]

    def __str__(self) -> str:
        return f"{self.type} ×{self.count} · {self.script_id}"


class Webhook(models.Model):
    """A URL of a bot client that is told when content in its scope changes (push instead of
    poll). Each POST is signed with the secret: ``X-Signature: sha256=<HMAC of the body>``."""

    client = models.ForeignKey(
        BotClient, verbose_name=_("bot client"), on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("secret"),
        max_length=64,
        editable=False,
        help_text=_("The bot checks each delivery's X-Signature with it."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["client__name", "url"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"{self.client} → {self.url}"

    def save(self, *args, **kwargs):
        if not self.secret:
            self.secret = secrets.token_hex(32)
        super().save(*args, **kwargs)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    # Not sent (any more): the client was revoked, the webhook deactivated or the persona
    # taken out of scope before an attempt; last_error says which.
    CANCELLED = "cancelled", _("Cancelled")


class WebhookDelivery(models.Model):
    """One event for one webhook, with its attempts: the queue of the background sender."""

    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=50)
    # The persona the event is about, checked against the client's scope before each attempt.
    # Not a foreign key: a persona.deleted delivery outlives its persona.
    persona_id = models.BigIntegerField(_("persona"), null=True, blank=True, editable=False)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook.url}"

    @property
    def delivery_id(self) -> str:
        return self.payload.get("delivery_id", "")


class WorkerLease(models.Model):
    """Which `manage.py worker` process runs a periodic job (scheduled publishing) and until
    when, so that several workers never run it at the same time (see bots.worker)."""

    name = models.CharField(max_length=50, primary_key=True)
    holder = models.CharField(max_length=64, blank=True)
    until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} → {self.holder} until {self.until.isoformat()}"
