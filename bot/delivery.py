"""The bot's side of delivery: each outbox row rendered in its recipient's language, with its
buttons.

The rows' lifecycle (claim, begin send, mark sent / failed / retry, release) is the domain's
(``domain.services.delivery``); the worker (``worker.loop``) claims rows there and renders them
here. Rendering reads only what the claim loaded, so a batch renders without a query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import translation
from telegram import InlineKeyboardMarkup

from bot import bridge, dates, keyboards, texts
from bot import callbacks as cb
from domain.models import Interest, MatchEvent, Meeting, OutboxMessage, Placement, YouthSignup
from domain.services.slot_alerts import MOST_LISTED

Kind = OutboxMessage.Kind


@dataclass(frozen=True)
class Outgoing:
    """One rendered message, ready to send."""

    message_id: int
    chat_id: int
    text: str
    keyboard: InlineKeyboardMarkup | None


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


def _render_interest_waiting(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    interest = _interest(message)
    text = str(texts.PUSH_INTEREST_WAITING).format(
        company=interest.slot.company.name if interest else "",
        title=interest.slot.title if interest else "",
    )
    rows = []
    if interest is not None:
        rows = [
            [(texts.INTEREST_KEEP_WAITING, cb.encode(cb.INTEREST, "wait", interest.pk))],
            [(texts.INTEREST_WITHDRAW, cb.encode(cb.INTEREST, "withdraw", interest.pk))],
        ]
    return text, keyboards.with_menu(rows)


def _render_interest_closed(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    interest = _interest(message)
    text = str(texts.PUSH_INTEREST_CLOSED).format(
        company=interest.slot.company.name if interest else "",
        title=interest.slot.title if interest else "",
    )
    return text, keyboards.keyboard(
        [[(texts.MENU_FIND, cb.encode(cb.BROWSE, "list", cb.Filter()))], [keyboards.menu_button()]]
    )


def _render_new_slots(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    # Titles and companies travel in the payload: a batch renders without a query.
    slots = message.payload.get("slots", [])
    find = keyboards.keyboard(
        [[(texts.MENU_FIND, cb.encode(cb.BROWSE, "list", cb.Filter()))], [keyboards.menu_button()]]
    )
    if not slots:
        return str(texts.PUSH_NEW_SLOTS_GONE), find
    lines = [
        str(texts.NEW_SLOT_LINE).format(
            title=slot.get("title", ""), company=slot.get("company", "")
        )
        for slot in slots[:MOST_LISTED]
    ]
    return "\n".join([str(texts.PUSH_NEW_SLOTS), *lines]), find


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
    when = _when(message, payload.get("starts_at"))
    text = str(texts.REMIND_INTRO).format(
        company=interest.slot.company.name if interest else "",
        when=when,
        place=payload.get("place") or "",
    )
    if interest is None:
        return text, _menu_only()
    label = str(texts.MEETING_CANT_COME).format(when=when)
    return text, keyboards.intro_cant_come(interest.pk, label)


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


def _render_followup_invite(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    months = message.payload.get("months") or [3, 6, 12]
    months = months if isinstance(months, list) else [months]
    text = str(texts.FOLLOWUP_INVITE).format(months=", ".join(str(m) for m in months))
    return text, keyboards.followup_offer(message.recipient_id)


def _render_followup_question(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    template = (
        texts.FOLLOWUP_REMINDER
        if message.kind == Kind.FOLLOWUP_REMINDER
        else texts.FOLLOWUP_QUESTION
    )
    text = str(template).format(months=message.payload.get("months", ""))
    return text, keyboards.followup_answers(message.object_id)


def _render_consultant_message(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    # The words travel in the payload (emptied when the youth's data is erased), so rendering
    # needs no query.
    text = str(texts.PUSH_CONSULTANT_MESSAGE).format(
        sender=message.payload.get("sender") or "", text=message.payload.get("text") or ""
    )
    return text, _menu_only()


RENDERERS: dict[str, Callable[[OutboxMessage], tuple[str, InlineKeyboardMarkup]]] = {
    Kind.MEETING_REMINDER: _render_meeting_reminder,
    Kind.EVENT_REMINDER: _render_event_reminder,
    Kind.INTRO_REMINDER: _render_intro_reminder,
    Kind.PLACEMENT_START_REMINDER: _render_placement_start,
    Kind.CHECKIN_PROMPT: _render_checkin_prompt,
    Kind.INTEREST_ACCEPTED: _render_interest_accepted,
    Kind.INTEREST_DECLINED: _render_interest_declined,
    Kind.INTEREST_WAITING: _render_interest_waiting,
    Kind.INTEREST_CLOSED: _render_interest_closed,
    Kind.PLACEMENT_APPROVED: _render_placement_approved,
    Kind.PLACEMENT_REJECTED: _render_placement_rejected,
    Kind.WAITLIST_PROMOTED: _render_waitlist_promoted,
    Kind.MEETING_MOVED: _render_meeting_moved,
    Kind.MEETING_CANCELLED: _render_meeting_cancelled,
    Kind.EVENT_CANCELLED: _render_event_cancelled,
    Kind.FOLLOWUP_INVITE: _render_followup_invite,
    Kind.FOLLOWUP_QUESTION: _render_followup_question,
    Kind.FOLLOWUP_REMINDER: _render_followup_question,
    Kind.CONSULTANT_MESSAGE: _render_consultant_message,
    Kind.NEW_SLOTS: _render_new_slots,
}


def render(message: OutboxMessage) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of one outbox row, in its recipient's language."""
    renderer = RENDERERS.get(message.kind)
    with translation.override(message.recipient.language or bridge.DEFAULT_LANGUAGE):
        if renderer is None:
            return str(texts.PUSH_FALLBACK), _menu_only()
        return renderer(message)


def outgoing(message: OutboxMessage) -> Outgoing:
    """One claimed row, rendered for its youth's chat."""
    text, markup = render(message)
    youth = message.recipient
    # A youth who left is asked their follow-up in the chat kept for it.
    chat_id = youth.telegram_chat_id or youth.followup_chat_id
    return Outgoing(message.pk, chat_id, text, markup)
