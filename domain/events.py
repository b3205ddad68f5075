"""Domain events: the one place where services announce what happened.

Services call ``publish("placement.approved", ...)`` inside their transaction; subscribers run
after the commit (never for a rolled-back change). The bot, websockets and the worker subscribe
with ``@subscribe("placement.approved")`` without the services knowing them. Events are a live
view and a wake-up, never the source of truth: anything that must happen is written to the
database (e.g. outbox rows) in the same transaction.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_TYPES = frozenset(
    {
        "company.registered",
        "membership.requested",
        "membership.accepted",
        "membership.rejected",
        "slot.created",
        "slot.updated",
        "slot.published",
        "slot.paused",
        "slot.closed",
        "youth.created",
        "youth.updated",
        "youth.linked",
        "youth.consented",
        "youth.erased",
        "invite.created",
        "interest.created",
        "interest.withdrawn",
        "interest.accepted",
        "interest.declined",
        "placement.proposed",
        "placement.approved",
        "placement.rejected",
        "placement.started",
        "placement.completed",
        "placement.ended_early",
        "placement.withdrawn",
        "checkin.created",
        "note.created",
        "event.created",
        "event.updated",
        "event.published",
        "event.cancelled",
        "event.completed",
        "company_signup.created",
        "company_signup.cancelled",
        "signup.created",
        "signup.cancelled",
        "signup.promoted",
        "signup.checked_in",
        "group.created",
        "group.member_added",
        "group.member_removed",
        "meeting.created",
        "meeting.moved",
        "meeting.cancelled",
        "attendance.recorded",
        "outbox.enqueued",
        # interests, placements, check-ins (added with domain/services/interests.py, checkins.py)
        "interest.intro_moved",
        "interest.intro_cant_come",
        "checkin.updated",
        # network, slots, youth (added with domain/services/network.py, slots.py, youth.py)
        "slot.resumed",
        "company.updated",
        "company.member_added",
        "company.member_removed",
        "youth.paused",
        "youth.resumed",
        "youth.left",
        # groups and schedules (added with domain/services/groups.py)
        "group.updated",
        # Telegram reachability (added with domain/services/reachability.py)
        "youth.unreachable",
        "youth.reachable",
        # nobody left waiting (added with domain/services/waiting.py)
        "interest.overdue",
        "interest.expired",
        "interest.kept_waiting",
        # the conversation between a youth and their consultants (domain/services/conversation.py)
        "message.created",
    }
)


@dataclass(frozen=True)
class DomainEvent:
    """``type`` like "placement.approved"; ``data`` holds ids only (no personal data), always
    with ``municipality_id`` and, where a company is involved, ``company_id`` so listeners can
    route the event to exactly the people allowed to see it."""

    type: str
    data: dict = field(default_factory=dict)

    @property
    def handler_name(self) -> str:
        """The consumer method name for this event: "placement.approved" → "placement_approved"."""
        return self.type.replace(".", "_")


Subscriber = Callable[[DomainEvent], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(*event_types: str) -> Callable[[Subscriber], Subscriber]:
    """Register a function for one or more event types ("*" for all)."""
    unknown = set(event_types) - EVENT_TYPES - {"*"}
    if unknown:
        raise ValueError(f"Unknown event types: {sorted(unknown)}")

    def register(func: Subscriber) -> Subscriber:
        for event_type in event_types:
            if func not in _subscribers[event_type]:
                _subscribers[event_type].append(func)
        return func

    return register


def unsubscribe(func: Subscriber) -> None:
    for funcs in _subscribers.values():
        if func in funcs:
            funcs.remove(func)


def subject_ids(row: Any, *, owner: Any = None, to_company: bool = True, **more: object) -> dict:
    """The ids an event about a youth's interest, placement or check-in carries, so that its
    listeners can route it: the row's, its youth's and their municipality's, and — unless
    ``to_company`` is false — the slot's and its company's. ``owner`` is the interest or
    placement that holds the youth and the slot (the row itself by default); ``more`` adds the
    event's own ids."""
    owner = row if owner is None else owner
    ids = {"id": row.pk, "municipality_id": owner.youth.municipality_id, "youth_id": owner.youth_id}
    if to_company:
        ids |= {"company_id": owner.slot.company_id, "slot_id": owner.slot_id}
    return ids | more


def publish(event_type: str, **data: object) -> None:
    """Announce an event; subscribers run once the surrounding transaction commits."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type: {event_type}")
    transaction.on_commit(partial(_dispatch, DomainEvent(event_type, dict(data))))


def _dispatch(event: DomainEvent) -> None:
    for func in [*_subscribers[event.type], *_subscribers["*"]]:
        try:
            func(event)
        except Exception:
            # A broken listener (say, a websocket fan-out) must not break the others, and the
            # change itself is already committed; log it loudly instead.
            logger.exception("Subscriber %r failed on %s", func, event.type)
