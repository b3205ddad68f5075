"""The outbox's delivery steps: the synchronous steps a delivery worker (``worker.loop``) takes
on the rows, from claiming them to recording how each send went.

A row's life: ``outbox_claim_batch`` leases due ``pending`` rows to one worker (``SKIP LOCKED``
on PostgreSQL, so several workers never take the same row); ``outbox_begin_send`` checks the
lease is still the worker's and stamps ``send_started_at`` just before the message goes to
Telegram; then exactly one of ``outbox_mark_sent``, ``outbox_mark_retry`` (which may end the row
``failed``, or ``unknown`` when Telegram may have received it but never said so),
``outbox_mark_rate_limited`` or ``outbox_mark_failed``. A worker that dies leaves its rows
leased: a living worker renews its leases every few seconds (``outbox_renew_claims``, its
heartbeat), so once a dead one's lease ends, seconds later, another claims them; a row found with
``send_started_at`` set had an attempt whose outcome nobody knows, so its resend is counted in
``possible_duplicates``.

The texts are the bot's (``bot.delivery.render``): the claim returns the rows with what a
renderer reads already loaded, and the worker renders them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import connection, transaction
from django.db.models import (
    Case,
    DateTimeField,
    F,
    PositiveSmallIntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.utils import timezone

from domain.models import Interest, MatchEvent, Meeting, OutboxMessage, Placement, YouthSignup
from domain.services.outbox import quiet_hours_adjust, youth_can_receive
from domain.services.reachability import youth_mark_unreachable

Status = OutboxMessage.Status
LEASE = timedelta(seconds=60)
BATCH_SIZE = 50
MAX_ATTEMPTS = 5
ERROR_MAX_LENGTH = 500
# The last_error of a row whose delivery is unknown: "no answer after 2 attempts: timed out".
UNKNOWN_PREFIX = "no answer after "

# Every subject a renderer reads, with what it reads of it: one query per kind of subject for a
# whole batch instead of several per row.
SUBJECTS = GenericPrefetch(
    "subject",
    [
        Interest.objects.select_related("slot__company"),
        Placement.objects.select_related("slot__company"),
        YouthSignup.objects.select_related("event"),
        MatchEvent.objects.all(),
        Meeting.objects.all(),
    ],
)


def _one_attempt_less() -> Case:
    """``attempts - 1`` (never below 0): for an attempt that did not reach Telegram after all."""
    return Case(
        When(attempts__gt=0, then=F("attempts") - 1),
        default=0,
        output_field=PositiveSmallIntegerField(),
    )


def _due(now: datetime):
    # E-mail rows are the e-mail worker's (domain.services.mail, worker.email).
    return OutboxMessage.objects.filter(
        status=Status.PENDING, due_at__lte=now, channel=OutboxMessage.Channel.TELEGRAM
    )


def outbox_claim_batch(
    *,
    worker: str,
    now: datetime | None = None,
    limit: int = BATCH_SIZE,
    lease: timedelta = LEASE,
) -> tuple[int, list[OutboxMessage]]:
    """Lease up to ``limit`` due rows to ``worker``; returns how many, and those to send, oldest
    first, with their recipient, municipality and subject loaded for rendering.

    Rows that need no sending are settled here instead: the recipient can no longer receive
    messages (cancelled), the message became useless (skipped), or it is quiet hours where the
    youth lives (left for the end of them, or skipped if useless by then).
    """
    now = now or timezone.now()
    free = _due(now).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    # A plain read first: most polls find nothing, and on SQLite every write transaction
    # locks the whole database against the bot's own handlers.
    if not free.exists():
        return 0, []
    with transaction.atomic():
        rows = free
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.order_by("due_at", "pk").values_list("pk", flat=True)[:limit])
        OutboxMessage.objects.filter(pk__in=ids).update(
            claimed_until=now + lease, claimed_by=worker[:100], updated_at=now
        )
    messages = (
        OutboxMessage.objects.filter(pk__in=ids, claimed_by=worker[:100])
        .select_related("recipient__municipality")
        .prefetch_related(SUBJECTS)
        .order_by("due_at", "pk")
    )
    return len(ids), [m for m in messages if _to_send(m, now)]


def _to_send(message: OutboxMessage, now: datetime) -> bool:
    """Is this claimed row to be sent now? If not, settle it or hold it back."""
    if not youth_can_receive(message.recipient, message.kind):
        _settle(message.pk, Status.CANCELLED, "recipient cannot receive messages", now)
        return False
    if message.expires_at is not None and now >= message.expires_at:
        _settle(message.pk, Status.SKIPPED, "expired before sending", now)
        return False
    # Quiet hours were applied when the row was scheduled; a row that is late (an outage, a
    # retry) must not arrive in the night either.
    quiet_end = quiet_hours_adjust(due_at=now, municipality=message.recipient.municipality)
    if quiet_end != now:
        if message.expires_at is not None and quiet_end >= message.expires_at:
            _settle(message.pk, Status.SKIPPED, "quiet hours", now)
        else:
            _wait(message.pk, until=quiet_end, error="quiet hours: waits for the morning", now=now)
        return False
    return True


def _settle(message_id: int, status: str, error: str, now: datetime) -> None:
    OutboxMessage.objects.filter(pk=message_id).update(
        status=status, last_error=error[:ERROR_MAX_LENGTH], claimed_until=None, updated_at=now
    )


def _wait(message_id: int, *, until: datetime, error: str, now: datetime) -> None:
    """Give the row back, to be claimed again (by any worker) from ``until`` on."""
    OutboxMessage.objects.filter(pk=message_id).update(
        claimed_until=until, claimed_by="", last_error=error[:ERROR_MAX_LENGTH], updated_at=now
    )


def outbox_begin_send(
    *, message_id: int, worker: str, now: datetime | None = None, lease: timedelta = LEASE
) -> bool:
    """Stamp the row as being handed to Telegram now, if it is still this worker's and still
    wanted (not cancelled, not taken over after a lease ran out). False: don't send it."""
    now = now or timezone.now()
    return bool(
        OutboxMessage.objects.filter(
            pk=message_id, status=Status.PENDING, claimed_by=worker[:100]
        ).update(
            attempts=F("attempts") + 1,
            possible_duplicates=Case(
                When(send_started_at__isnull=False, then=F("possible_duplicates") + 1),
                default=F("possible_duplicates"),
                output_field=PositiveSmallIntegerField(),
            ),
            send_started_at=now,
            claimed_until=now + lease,
            updated_at=now,
        )
    )


def outbox_mark_sent(
    *, message_id: int, telegram_message_id: int, now: datetime | None = None
) -> None:
    now = now or timezone.now()
    OutboxMessage.objects.filter(pk=message_id).update(
        status=Status.SENT,
        sent_at=now,
        telegram_message_id=telegram_message_id,
        claimed_until=None,
        last_error="",
        updated_at=now,
    )


def outbox_mark_sent_many(*, sent: list[tuple[int, int, datetime]]) -> None:
    """``outbox_mark_sent`` for several rows in one query: (row id, Telegram message id, sent
    at)."""
    if not sent:
        return
    OutboxMessage.objects.filter(pk__in=[row_id for row_id, _, _ in sent]).update(
        status=Status.SENT,
        sent_at=Case(*(When(pk=r, then=Value(at)) for r, _, at in sent)),
        telegram_message_id=Case(*(When(pk=r, then=Value(t)) for r, t, _ in sent)),
        claimed_until=None,
        last_error="",
        updated_at=max(at for _, _, at in sent),
    )


def outbox_mark_failed(*, message_id: int, error: str, now: datetime | None = None) -> None:
    """A permanent failure: the row is never tried again."""
    _settle(message_id, Status.FAILED, error, now or timezone.now())


def outbox_attempts(*, message_id: int) -> int:
    """How many attempts the row has had (0 for a row that is gone): the worker's backoff."""
    attempts = OutboxMessage.objects.filter(pk=message_id).values_list("attempts", flat=True)
    return attempts.first() or 0


def outbox_mark_retry(
    *,
    message_id: int,
    error: str,
    retry_at: datetime,
    outcome_unknown: bool = False,
    max_attempts: int = MAX_ATTEMPTS,
    now: datetime | None = None,
) -> str:
    """A failure that may pass (5xx, timeout, network): try again from ``retry_at``, or give up
    after ``max_attempts``. ``outcome_unknown`` (a read timeout: Telegram may have delivered it)
    keeps ``send_started_at``, so the resend counts as a possible duplicate, and allows only one
    such resend. A row given up after an attempt whose outcome is unknown ends ``unknown``
    (delivery unknown: the youth may well have it), any other ``failed``. Returns the row's new
    status."""
    now = now or timezone.now()
    row = OutboxMessage.objects.filter(pk=message_id).values("attempts", "possible_duplicates")
    row = row.first()
    if row is None:
        return ""
    attempts = row["attempts"]
    # possible_duplicates counts the resends after an attempt whose outcome was unknown.
    ever_unknown = outcome_unknown or row["possible_duplicates"] >= 1
    if attempts >= max_attempts or (outcome_unknown and row["possible_duplicates"] >= 1):
        if ever_unknown:
            _settle(
                message_id, Status.UNKNOWN, f"{UNKNOWN_PREFIX}{attempts} attempts: {error}", now
            )
            return Status.UNKNOWN
        outbox_mark_failed(
            message_id=message_id, error=f"gave up after {attempts} attempts: {error}", now=now
        )
        return Status.FAILED
    changes = {} if outcome_unknown else {"send_started_at": None}
    OutboxMessage.objects.filter(pk=message_id).update(
        claimed_until=retry_at,
        claimed_by="",
        last_error=f"{error}; retry {attempts} of {max_attempts - 1}"[:ERROR_MAX_LENGTH],
        updated_at=now,
        **changes,
    )
    return Status.PENDING


def outbox_mark_rate_limited(
    *, message_id: int, retry_after: float, now: datetime | None = None, lease: timedelta = LEASE
) -> None:
    """Telegram said 429: not sent, and not a failure. The row stays this worker's, to be sent
    after the pause; the attempt is not counted."""
    now = now or timezone.now()
    OutboxMessage.objects.filter(pk=message_id).update(
        attempts=_one_attempt_less(),
        send_started_at=None,
        claimed_until=now + timedelta(seconds=retry_after) + lease,
        last_error=f"rate limited: retry after {retry_after:g} s",
        updated_at=now,
    )


def outbox_mark_recipient_unreachable(*, message_id: int, reason: str) -> bool:
    """Telegram refused this row's message for good (403): its youth is unreachable (see
    ``youth_mark_unreachable``). True only when the youth is newly marked."""
    recipient = (
        OutboxMessage.objects.filter(pk=message_id).values_list("recipient_id", flat=True).first()
    )
    if recipient is None:
        return False
    return youth_mark_unreachable(youth_id=recipient, reason=reason)


def outbox_abandon(
    *,
    message_id: int,
    worker: str,
    now: datetime | None = None,
    keep: bool = False,
    lease: timedelta = LEASE,
) -> None:
    """Stamped for sending but stopped before the request went out: undo the stamp and the
    attempt, and give the row back (or, ``keep``, keep it leased to this worker: it only waits
    for its chat's turn)."""
    now = now or timezone.now()
    claim = {"claimed_until": now + lease} if keep else {"claimed_until": None, "claimed_by": ""}
    OutboxMessage.objects.filter(
        pk=message_id, status=Status.PENDING, claimed_by=worker[:100]
    ).update(attempts=_one_attempt_less(), send_started_at=None, updated_at=now, **claim)


def outbox_release(*, message_ids: list[int], worker: str, now: datetime | None = None) -> int:
    """Give back claimed rows this worker will not send after all (it is stopping)."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        pk__in=message_ids,
        status=Status.PENDING,
        claimed_by=worker[:100],
        send_started_at__isnull=True,
    ).update(claimed_until=None, claimed_by="", updated_at=now)


def outbox_renew_claims(
    *,
    worker: str,
    message_ids: list[int],
    now: datetime | None = None,
    lease: timedelta = LEASE,
) -> int:
    """The worker's heartbeat: the pending rows it holds and still means to send stay its own
    until ``now + lease`` (a longer hold, after a 429, is kept). A worker that dies stops
    renewing, so its rows are free for another one lease after its last heartbeat; so is a row
    the worker lost track of (an error), which it leaves out. Returns how many were renewed."""
    now = now or timezone.now()
    rows = OutboxMessage.objects.filter(
        pk__in=message_ids, status=Status.PENDING, claimed_by=worker[:100]
    )
    return rows.update(
        claimed_until=Greatest(
            F("claimed_until"), Value(now + lease, output_field=DateTimeField())
        ),
        updated_at=now,
    )


def outbox_work_left(
    *, now: datetime | None = None, horizon: timedelta = timedelta(minutes=5)
) -> bool:
    """Is any pending row due: free, claimed by a worker, or waiting for a retry within
    ``horizon``? (A row held for the end of quiet hours, hours away, is not work for now.)"""
    now = now or timezone.now()
    return (
        _due(now)
        .filter(
            Q(claimed_until__isnull=True) | ~Q(claimed_by="") | Q(claimed_until__lte=now + horizon)
        )
        .exists()
    )
