"""Pushed messages: render each outbox row in its recipient's language, and a simple sender.

The runbot process calls ``deliver_due`` every couple of seconds. It claims due ``pending`` rows
with a lease (``claimed_until``; ``SKIP LOCKED`` on PostgreSQL, so several senders never take
the same row), sends each, and marks it ``sent`` with the Telegram message id, or records the
error. Issue #5 turns this into the full worker (rate limits, 429/5xx/403 handling); the steps
are small functions so that it can reuse them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError

from bot import callbacks as cb
from bot import domain, keyboards, texts
from portal.models import Interest, MatchEvent, Meeting, OutboxMessage, Placement, YouthSignup
from portal.services.outbox import youth_can_receive

logger = logging.getLogger(__name__)

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
LEASE = timedelta(minutes=2)
BATCH_SIZE = 25
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
    return domain.format_datetime(moment, message.recipient.municipality.timezone)


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
        start=domain.format_date(start) if start else "",
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
    with translation.override(message.recipient.language or domain.DEFAULT_LANGUAGE):
        if renderer is None:
            return str(texts.PUSH_FALLBACK), _menu_only()
        return renderer(message)


# --- claiming and marking (synchronous, called through domain.call) -------------------------------


def claim_due(*, worker: str, now: datetime | None = None, limit: int = BATCH_SIZE) -> list[int]:
    """Lease up to ``limit`` due pending rows to ``worker``; returns their ids."""
    now = now or timezone.now()
    due = OutboxMessage.objects.filter(status=Status.PENDING, due_at__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    # A plain read first: most calls find nothing, and on SQLite every write transaction
    # locks the whole database against the bot's own handlers.
    if not due.exists():
        return []
    with transaction.atomic():
        rows = due
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.order_by("due_at", "pk").values_list("pk", flat=True)[:limit])
        OutboxMessage.objects.filter(pk__in=ids).update(
            claimed_until=now + LEASE, claimed_by=worker[:100], attempts=F("attempts") + 1
        )
    return ids


def prepare(*, message_id: int, now: datetime | None = None) -> Outgoing | None:
    """Render a claimed row, or settle it without sending (recipient gone, message useless)."""
    now = now or timezone.now()
    message = (
        OutboxMessage.objects.select_related("recipient__municipality")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.status != Status.PENDING:
        return None
    if not youth_can_receive(message.recipient):
        _settle(message_id, Status.CANCELLED, "recipient cannot receive messages")
        return None
    if message.expires_at is not None and now >= message.expires_at:
        _settle(message_id, Status.SKIPPED, "expired before sending")
        return None
    text, markup = render(message)
    return Outgoing(message.pk, message.recipient.telegram_chat_id, text, markup)


def _settle(message_id: int, status: str, error: str = "") -> None:
    OutboxMessage.objects.filter(pk=message_id).update(
        status=status,
        last_error=error[:ERROR_MAX_LENGTH],
        claimed_until=None,
        updated_at=timezone.now(),
    )


def mark_sent(*, message_id: int, telegram_message_id: int, now: datetime | None = None) -> None:
    OutboxMessage.objects.filter(pk=message_id).update(
        status=Status.SENT,
        sent_at=now or timezone.now(),
        telegram_message_id=telegram_message_id,
        claimed_until=None,
        last_error="",
        updated_at=timezone.now(),
    )


def mark_failed(*, message_id: int, error: str, permanent: bool = False) -> None:
    """Record the error; the row is retried once its lease ends, up to ``MAX_ATTEMPTS``."""
    row = OutboxMessage.objects.filter(pk=message_id).values("attempts").first()
    if row is None:
        return
    if permanent or row["attempts"] >= MAX_ATTEMPTS:
        _settle(message_id, Status.FAILED, error)
    else:
        OutboxMessage.objects.filter(pk=message_id).update(
            last_error=error[:ERROR_MAX_LENGTH], updated_at=timezone.now()
        )


# --- sending (async) ------------------------------------------------------------------------------


async def send_one(bot: Bot, outgoing: Outgoing) -> None:
    try:
        sent = await bot.send_message(
            outgoing.chat_id, outgoing.text, reply_markup=outgoing.keyboard
        )
    except Forbidden as error:
        # Blocked or deactivated: retrying will not help (issue #5 marks the youth unreachable).
        await domain.call(
            mark_failed, message_id=outgoing.message_id, error=str(error), permanent=True
        )
    except TelegramError as error:
        logger.warning("outbox %s not sent: %s", outgoing.message_id, error)
        await domain.call(mark_failed, message_id=outgoing.message_id, error=str(error))
    else:
        await domain.call(
            mark_sent, message_id=outgoing.message_id, telegram_message_id=sent.message_id
        )


async def deliver_due(bot: Bot, *, worker: str = "runbot") -> int:
    """Send what is due now; returns how many rows were claimed."""
    ids = await domain.call(claim_due, worker=worker)
    for message_id in ids:
        outgoing = await domain.call(prepare, message_id=message_id)
        if outgoing is not None:
            await send_one(bot, outgoing)
    return len(ids)
