"""The outbox's side of delivery: render each row in its recipient's language, and the
synchronous steps the worker (``worker.loop``) takes on the rows.

A row's life: ``claim_batch`` leases due ``pending`` rows to one worker (``SKIP LOCKED`` on
PostgreSQL, so several workers never take the same row) and renders them; ``begin_send`` checks
the lease is still the worker's and stamps ``send_started_at`` just before the message goes to
Telegram; then exactly one of ``mark_sent``, ``mark_retry``, ``mark_rate_limited`` or
``mark_failed``. A worker that dies leaves its rows leased: once the lease ends another claims
them, and a row found with ``send_started_at`` set had an attempt whose outcome nobody knows, so
its resend is counted in ``possible_duplicates``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import connection, transaction
from django.db.models import Case, F, PositiveSmallIntegerField, Q, Value, When
from django.utils import timezone, translation
from telegram import InlineKeyboardMarkup

from bot import bridge, dates, keyboards, texts
from bot import callbacks as cb
from domain.models import Interest, MatchEvent, Meeting, OutboxMessage, Placement, YouthSignup
from domain.services.outbox import quiet_hours_adjust, youth_can_receive

logger = logging.getLogger(__name__)

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
LEASE = timedelta(seconds=60)
BATCH_SIZE = 50
MAX_ATTEMPTS = 5
ERROR_MAX_LENGTH = 500


@dataclass(frozen=True)
class Outgoing:
    """One rendered message, ready to send."""

    message_id: int
    chat_id: int
    text: str
    keyboard: InlineKeyboardMarkup | None


# --- rendering ------------------------------------------------------------------------------------


def _moment(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _when(message: OutboxMessage, value: object) -> str:
    moment = value if isinstance(value, datetime) else _moment(value)
    if moment is None:
        return ""
    return dates.format_datetime(moment, message.recipient.municipality.timezone)


def _menu_only() -> InlineKeyboardMarkup:
    return keyboards.keyboard([[keyboards.menu_button()]])


def _interest(message: OutboxMessage) -> Interest | None:
    subject = message.subject
    return subject if isinstance(subject, Interest) else None


def _render_interest_accepted(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    interest = _interest(message)
    payload = message.payload
    text = str(texts.PUSH_INTEREST_ACCEPTED).format(
        company=interest.slot.company.name if interest else "",
        title=interest.slot.title if interest else "",
        when=_when(message, payload.get("intro_meeting_at")),
        place=payload.get("intro_meeting_place") or "",
    )
    return text, keyboards.keyboard(
        [[(texts.MENU_MEETINGS, cb.encode(cb.MEETING, "list"))], [keyboards.menu_button()]]
    )


def _render_interest_declined(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    interest = _interest(message)
    text = str(texts.PUSH_INTEREST_DECLINED).format(
        company=interest.slot.company.name if interest else "",
        title=interest.slot.title if interest else "",
    )
    return text, keyboards.keyboard(
        [[(texts.MENU_FIND, cb.encode(cb.BROWSE, "list", cb.Filter()))], [keyboards.menu_button()]]
    )


def _placement(message: OutboxMessage) -> Placement | None:
    subject = message.subject
    return subject if isinstance(subject, Placement) else None


def _render_placement_approved(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    placement = _placement(message)
    start = _day(message.payload.get("start_date")) or (placement and placement.start_date)
    text = str(texts.PUSH_PLACEMENT_APPROVED).format(
        company=placement.slot.company.name if placement else "",
        start=dates.format_date(start) if start else "",
        hours=message.payload.get("hours_per_week") or (placement and placement.hours_per_week),
    )
    return text, _menu_only()


def _render_placement_rejected(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    placement = _placement(message)
    text = str(texts.PUSH_PLACEMENT_REJECTED).format(
        company=placement.slot.company.name if placement else ""
    )
    return text, _menu_only()


def _event_of(message: OutboxMessage) -> MatchEvent | None:
    subject = message.subject
    if isinstance(subject, YouthSignup):
        return subject.event
    return subject if isinstance(subject, MatchEvent) else None


def _render_waitlist_promoted(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    event = _event_of(message)
    text = str(texts.PUSH_WAITLIST_PROMOTED).format(
        title=event.title if event else "",
        when=_when(message, event.starts_at if event else message.payload.get("starts_at")),
    )
    rows = [[keyboards.menu_button()]]
    if event is not None:
        rows.insert(0, [(texts.MENU_EVENTS, cb.encode(cb.EVENT, "open", event.pk))])
    return text, keyboards.keyboard(rows)


def _render_event_cancelled(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    event = _event_of(message)
    text = str(texts.PUSH_EVENT_CANCELLED).format(
        title=event.title if event else "", when=_when(message, message.payload.get("starts_at"))
    )
    return text, _menu_only()


def _render_event_reminder(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    event = _event_of(message)
    text = str(texts.REMIND_EVENT).format(
        title=event.title if event else "",
        when=_when(message, event.starts_at if event else message.payload.get("starts_at")),
        place=event.place if event else "",
    )
    return text, _menu_only()


def _meeting(message: OutboxMessage) -> Meeting | None:
    subject = message.subject
    return subject if isinstance(subject, Meeting) else None


def _render_meeting_reminder(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    meeting = _meeting(message)
    when = _when(message, meeting.starts_at if meeting else message.payload.get("starts_at"))
    text = str(texts.REMIND_MEETING).format(
        when=when, place=meeting.place if meeting else message.payload.get("place", "")
    )
    if meeting is None:
        return text, _menu_only()
    label = str(texts.MEETING_CANT_COME).format(when=when)
    return text, keyboards.meeting_cant_come(meeting.pk, label)


def _render_meeting_moved(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    payload = message.payload
    text = str(texts.PUSH_MEETING_MOVED).format(
        when=_when(message, payload.get("starts_at")), place=payload.get("place", "")
    )
    meeting = _meeting(message)
    if meeting is None:
        return text, _menu_only()
    label = str(texts.MEETING_CANT_COME).format(when=_when(message, payload.get("starts_at")))
    return text, keyboards.meeting_cant_come(meeting.pk, label)


def _render_meeting_cancelled(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    text = str(texts.PUSH_MEETING_CANCELLED).format(
        when=_when(message, message.payload.get("starts_at"))
    )
    return text, _menu_only()


def _render_intro_reminder(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    interest = _interest(message)
    payload = message.payload
    text = str(texts.REMIND_INTRO).format(
        company=interest.slot.company.name if interest else "",
        when=_when(message, payload.get("starts_at")),
        place=payload.get("place") or "",
    )
    return text, _menu_only()


def _render_placement_start(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    placement = _placement(message)
    text = str(texts.REMIND_PLACEMENT_START).format(
        company=placement.slot.company.name if placement else ""
    )
    return text, _menu_only()


def _render_checkin_prompt(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    placement = _placement(message)
    text = str(texts.CHECKIN_PROMPT).format(
        name=message.recipient.first_name,
        company=placement.slot.company.name if placement else "",
    )
    if placement is None:
        return text, _menu_only()
    return text, keyboards.checkin_scores(placement.pk)


RENDERERS: dict[str, Callable[[OutboxMessage], tuple[str, InlineKeyboardMarkup]]] = {
    Kind.MEETING_REMINDER: _render_meeting_reminder,
    Kind.EVENT_REMINDER: _render_event_reminder,
    Kind.INTRO_REMINDER: _render_intro_reminder,
    Kind.PLACEMENT_START_REMINDER: _render_placement_start,
    Kind.CHECKIN_PROMPT: _render_checkin_prompt,
    Kind.INTEREST_ACCEPTED: _render_interest_accepted,
    Kind.INTEREST_DECLINED: _render_interest_declined,
    Kind.PLACEMENT_APPROVED: _render_placement_approved,
    Kind.PLACEMENT_REJECTED: _render_placement_rejected,
    Kind.WAITLIST_PROMOTED: _render_waitlist_promoted,
    Kind.MEETING_MOVED: _render_meeting_moved,
    Kind.MEETING_CANCELLED: _render_meeting_cancelled,
    Kind.EVENT_CANCELLED: _render_event_cancelled,
}


def render(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of one outbox row, in its recipient's language."""
    renderer = RENDERERS.get(message.kind)
    with translation.override(message.recipient.language or bridge.DEFAULT_LANGUAGE):
        if renderer is None:
            return str(texts.PUSH_FALLBACK), _menu_only()
        return renderer(message)


# --- the rows (synchronous; the worker calls these from its event loop) ---------------------------

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
    return OutboxMessage.objects.filter(status=Status.PENDING, due_at__lte=now)


def claim_batch(
    *,
    worker: str,
    now: datetime | None = None,
    limit: int = BATCH_SIZE,
    lease: timedelta = LEASE,
) -> tuple[int, list[Outgoing]]:
    """Lease up to ``limit`` due rows to ``worker``; returns how many, and those to send,
    rendered, oldest first.

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
    return len(ids), [outgoing for m in messages if (outgoing := _prepare(m, now)) is not None]


def _prepare(message: OutboxMessage, now: datetime) -> Outgoing | None:
    if not youth_can_receive(message.recipient):
        _settle(message.pk, Status.CANCELLED, "recipient cannot receive messages", now)
        return None
    if message.expires_at is not None and now >= message.expires_at:
        _settle(message.pk, Status.SKIPPED, "expired before sending", now)
        return None
    # Quiet hours were applied when the row was scheduled; a row that is late (an outage, a
    # retry) must not arrive in the night either.
    quiet_end = quiet_hours_adjust(due_at=now, municipality=message.recipient.municipality)
    if quiet_end != now:
        if message.expires_at is not None and quiet_end >= message.expires_at:
            _settle(message.pk, Status.SKIPPED, "quiet hours", now)
        else:
            _wait(message.pk, until=quiet_end, error="quiet hours: waits for the morning", now=now)
        return None
    text, markup = render(message)
    return Outgoing(message.pk, message.recipient.telegram_chat_id, text, markup)


def _settle(message_id: int, status: str, error: str, now: datetime) -> None:
    OutboxMessage.objects.filter(pk=message_id).update(
        status=status, last_error=error[:ERROR_MAX_LENGTH], claimed_until=None, updated_at=now
    )


def _wait(message_id: int, *, until: datetime, error: str, now: datetime) -> None:
    """Give the row back, to be claimed again (by any worker) from ``until`` on."""
    OutboxMessage.objects.filter(pk=message_id).update(
        claimed_until=until, claimed_by="", last_error=error[:ERROR_MAX_LENGTH], updated_at=now
    )


def begin_send(
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


def mark_sent(*, message_id: int, telegram_message_id: int, now: datetime | None = None) -> None:
    now = now or timezone.now()
    OutboxMessage.objects.filter(pk=message_id).update(
        status=Status.SENT,
        sent_at=now,
        telegram_message_id=telegram_message_id,
        claimed_until=None,
        last_error="",
        updated_at=now,
    )


def mark_sent_many(*, sent: list[tuple[int, int, datetime]]) -> None:
    """``mark_sent`` for several rows in one query: (row id, Telegram message id, sent at)."""
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


def mark_failed(*, message_id: int, error: str, now: datetime | None = None) -> None:
    """A permanent failure: the row is never tried again."""
    _settle(message_id, Status.FAILED, error, now or timezone.now())


def mark_retry(
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
    such resend. Returns the row's new status."""
    now = now or timezone.now()
    row = OutboxMessage.objects.filter(pk=message_id).values("attempts", "possible_duplicates")
    row = row.first()
    if row is None:
        return ""
    attempts = row["attempts"]
    if attempts >= max_attempts or (outcome_unknown and row["possible_duplicates"] >= 1):
        mark_failed(
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


def mark_rate_limited(
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


def abandon(*, message_id: int, worker: str, now: datetime | None = None) -> None:
    """Stamped for sending but stopped before the request went out: undo the stamp and the
    attempt, and give the row back."""
    now = now or timezone.now()
    OutboxMessage.objects.filter(
        pk=message_id, status=Status.PENDING, claimed_by=worker[:100]
    ).update(
        attempts=_one_attempt_less(),
        send_started_at=None,
        claimed_until=None,
        claimed_by="",
        updated_at=now,
    )


def release(*, message_ids: list[int], worker: str, now: datetime | None = None) -> int:
    """Give back claimed rows this worker will not send after all (it is stopping)."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        pk__in=message_ids,
        status=Status.PENDING,
        claimed_by=worker[:100],
        send_started_at__isnull=True,
    ).update(claimed_until=None, claimed_by="", updated_at=now)


def work_left(*, now: datetime | None = None, horizon: timedelta = timedelta(minutes=5)) -> bool:
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
