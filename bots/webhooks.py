"""Webhooks: push changes to bot clients instead of making them poll.

Events: ``script.published|unpublished|deleted``, ``persona.published|unpublished|deleted``,
``sequence.published|unpublished|deleted`` and
``calendar_entry.approved|scheduled|cancelled`` and ``calendar.paused|resumed`` (per persona),
for clients that see what changed (before or
after the change; ``bots.audience``), checked again before every attempt.
Each event becomes a WebhookDelivery row per webhook (the durable queue, shown in the admin);
after the transaction commits a task is queued for it (queue ``webhooks``), and ``manage.py
worker`` sends it in its webhook lane: the request that published only queues. A failed or
timed-out attempt is retried with exponential backoff by the worker's retry pass every minute
(``webhooks.deliver_due``, also runnable alone as ``manage.py webhooks deliver``); after
MAX_ATTEMPTS the delivery is marked failed. How a
delivery reaches its receiver, and which addresses it may reach, is bots.transport.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django_tasks import task

from . import transport
from .audience import cancel_if_stopped, persona_id_of, webhooks_for
from .models import DeliveryStatus, WebhookDelivery

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30  # then 60, 120, ... (about two hours in all)
USER_AGENT = "siyu-cms-webhooks/1"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def notify(
    event: str, subject: Model, *, as_of: datetime | None = None, **fields
) -> list[WebhookDelivery]:
    """Queue `event` for every webhook whose client sees `subject` (a persona, script or
    calendar entry — or an in-memory copy as it was before the change) at `as_of` (default:
    now); sent after commit."""
    webhooks = webhooks_for(subject, as_of)
    if not webhooks:
        return []
    occurred_at = timezone.localtime().isoformat()
    deliveries = []
    for webhook in webhooks:
        payload = {
            "event": event,
            **fields,
            "occurred_at": occurred_at,
            "delivery_id": str(uuid.uuid4()),
        }
        deliveries.append(
            # The on-commit task sends it now; the loop only takes it if that did not happen.
            WebhookDelivery(
                webhook=webhook,
                event=event,
                persona_id=persona_id_of(subject),
                payload=payload,
                next_attempt_at=timezone.now() + timedelta(seconds=60),
            )
        )
    WebhookDelivery.objects.bulk_create(deliveries)
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: _enqueue(ids))
    return deliveries


def _enqueue(ids: list[int]) -> None:
    # The worker sends them (TASKS: the database backend); here each is only an INSERT, all in
    # one transaction. If queueing fails, the worker's retry pass finds them a minute later.
    try:
        with transaction.atomic():
            for pk in ids:
                send_task.enqueue(pk)
    except Exception:  # noqa: BLE001
        logger.exception("Could not queue webhook deliveries %s", ids)


# A queue of its own, served by the worker's webhook lane (bots.worker): a receiver that never
# answers holds that lane for TIMEOUT_SECONDS per attempt, never the search and reference-index
# tasks, admin imports or scheduled publishing of the `default` queue; and an import's hundreds
# of index tasks never make a bot wait to hear of a change.
QUEUE = "webhooks"


@task(queue_name=QUEUE)
def send_task(delivery_pk: int) -> None:
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_pk).first()
    if delivery is not None and delivery.status == DeliveryStatus.PENDING:
        attempt(delivery)


def attempt(delivery: WebhookDelivery) -> bool:
    """POST the delivery once; record the outcome and schedule a retry on failure."""
    if cancel_if_stopped(delivery):  # revoked client, inactive webhook, persona out of scope
        return False
    body = json.dumps(delivery.payload, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Signature": sign(body, delivery.webhook.secret),
        "X-Delivery-Id": delivery.delivery_id,
        "X-Event": delivery.event,
    }
    # Claim this attempt, so that the loop and the on-commit task never send it twice at once.
    lease = timezone.now() + timedelta(seconds=TIMEOUT_SECONDS * 4)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    ).update(attempts=delivery.attempts + 1, next_attempt_at=lease)
    if not claimed:
        return False
    delivery.attempts += 1
    # Public addresses only, checked for this very connection; a 3xx is a failure (transport).
    outcome = transport.post(delivery.webhook.url, body, headers, TIMEOUT_SECONDS)
    status, error = outcome.status, outcome.error
    delivery.last_status_code = status
    ok = status is not None and 200 <= status < 300
    if ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.last_error = ""
    else:
        delivery.last_error = error or f"HTTP {status}"
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            wait = FIRST_RETRY_SECONDS * 2 ** (delivery.attempts - 1)
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=wait)
    delivery.save()
    return ok


def deliver_due(limit: int = 100, should_stop: Callable[[], bool] | None = None) -> tuple[int, int]:
    """Attempt every pending delivery whose time has come; (delivered, failed attempts).
    `should_stop` is asked before each attempt, so a worker asked to stop does not wait for
    up to `limit` slow receivers."""
    due = WebhookDelivery.objects.select_related("webhook").filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
    )[:limit]
    delivered = failed = 0
    for delivery in due:
        if should_stop is not None and should_stop():
            break
        if attempt(delivery):
            delivered += 1
        else:
            failed += 1
    return delivered, failed
