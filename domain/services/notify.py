"""Who among companies and consultants hears of a change by e-mail, and what the e-mail needs:
one function per kind of news, called by the service that makes the change, inside its
transaction (so the e-mail exists exactly when the change does).

The rows are written by ``domain.services.mail`` (preferences, digest, dedupe). Payloads hold
titles and names of companies, events and places, never a youth's name (see ``mail``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import override

from domain.models import (
    CompanySignup,
    Interest,
    MatchEvent,
    NetworkMembership,
    OutboxMessage,
    Placement,
    Youth,
)
from domain.services.mail import company_recipients, consultant_recipients, email_notify_all
from domain.timeutils import to_local

Kind = OutboxMessage.Kind


def _when(moment: datetime, tz: str) -> str:
    """A time as the e-mail shows it (Danish format: the e-mail's words are translated, a date
    in numbers reads the same in both languages)."""
    with override("da"):
        return formats.date_format(to_local(moment, tz), "j/n Y H:i")


def notify_interest_received(*, interest: Interest, now: datetime | None = None) -> None:
    slot = interest.slot
    email_notify_all(
        users=company_recipients(slot.company_id),
        kind=Kind.INTEREST_RECEIVED,
        subject=interest,
        payload={"slot": slot.title, "interest_id": interest.pk},
        dedupe_key=f"interest_received:{interest.pk}",
        now=now,
    )


def notify_interest_unanswered(
    *, interest: Interest, days: int, now: datetime | None = None
) -> None:
    slot = interest.slot
    email_notify_all(
        users=company_recipients(slot.company_id),
        kind=Kind.INTEREST_UNANSWERED,
        subject=interest,
        payload={"slot": slot.title, "interest_id": interest.pk, "days": days},
        dedupe_key=f"interest_unanswered:{interest.pk}",
        now=now,
    )


def notify_interest_overdue(*, interest: Interest, days: int, now: datetime | None = None) -> None:
    slot = interest.slot
    youth = interest.youth
    email_notify_all(
        users=consultant_recipients(municipality=youth.municipality_id, youth=youth),
        kind=Kind.INTEREST_OVERDUE,
        subject=interest,
        payload={
            "slot": slot.title,
            "company": slot.company.name,
            "youth_id": youth.pk,
            "days": days,
        },
        dedupe_key=f"interest_overdue:{interest.pk}",
        now=now,
    )


def notify_interest_closed(*, interest: Interest, days: int, now: datetime | None = None) -> None:
    slot = interest.slot
    email_notify_all(
        users=company_recipients(slot.company_id),
        kind=Kind.INTEREST_CLOSED,
        subject=interest,
        payload={"slot": slot.title, "interest_id": interest.pk, "days": days},
        dedupe_key=f"interest_closed:{interest.pk}",
        now=now,
    )


def notify_placement_decided(*, placement: Placement, now: datetime | None = None) -> None:
    """The consultant approved or rejected a placement: the slot's company hears of it."""
    approved = placement.status == Placement.Status.APPROVED
    kind = Kind.PLACEMENT_APPROVED if approved else Kind.PLACEMENT_REJECTED
    slot = placement.slot
    email_notify_all(
        users=company_recipients(slot.company_id),
        kind=kind,
        subject=placement,
        payload={"slot": slot.title, "placement_id": placement.pk},
        dedupe_key=f"{kind}:{placement.pk}",
        now=now,
    )


def _signed_up_companies(event: MatchEvent) -> list[int]:
    return list(
        event.company_signups.filter(status=CompanySignup.Status.CONFIRMED)
        .order_by("pk")
        .values_list("company_id", flat=True)
    )


def notify_event_changed(
    *, event: MatchEvent, changed: list[str], now: datetime | None = None
) -> None:
    """A published event the companies signed up for moved or changed place."""
    now = now or timezone.now()
    tz = event.municipality.timezone
    payload = {
        "event": event.title,
        "event_id": event.pk,
        "when": _when(event.starts_at, tz),
        "place": event.place,
    }
    # One e-mail per version of the event: a second change is news again.
    version = hashlib.sha256(f"{event.starts_at.isoformat()}|{event.place}".encode()).hexdigest()
    for company_id in _signed_up_companies(event):
        email_notify_all(
            users=company_recipients(company_id),
            kind=Kind.EVENT_CHANGED,
            subject=event,
            payload=payload,
            dedupe_key=f"event_changed:{event.pk}:{version[:16]}",
            now=now,
        )


def notify_event_cancelled(*, event: MatchEvent, now: datetime | None = None) -> None:
    payload = {
        "event": event.title,
        "event_id": event.pk,
        "when": _when(event.starts_at, event.municipality.timezone),
    }
    for company_id in _signed_up_companies(event):
        email_notify_all(
            users=company_recipients(company_id),
            kind=Kind.EVENT_CANCELLED,
            subject=event,
            payload=payload,
            dedupe_key=f"event_cancelled:{event.pk}",
            now=now,
        )


def notify_network_requested(*, membership: NetworkMembership, now: datetime | None = None) -> None:
    email_notify_all(
        users=consultant_recipients(municipality=membership.municipality_id),
        kind=Kind.NETWORK_REQUESTED,
        subject=membership,
        payload={"company": membership.company.name, "membership_id": membership.pk},
        dedupe_key=f"network_requested:{membership.pk}:{membership.requested_at.isoformat()}",
        now=now,
    )


def notify_network_answered(*, membership: NetworkMembership, now: datetime | None = None) -> None:
    accepted = membership.status == NetworkMembership.Status.ACCEPTED
    email_notify_all(
        users=company_recipients(membership.company_id),
        kind=Kind.NETWORK_ANSWERED,
        subject=membership,
        payload={
            "municipality": membership.municipality.name,
            "accepted": accepted,
            "membership_id": membership.pk,
        },
        dedupe_key=f"network_answered:{membership.pk}:{membership.decided_at.isoformat()}",
        now=now,
    )


def notify_youth_unreachable(*, youth: Youth, now: datetime | None = None) -> None:
    email_notify_all(
        users=consultant_recipients(municipality=youth.municipality_id, youth=youth),
        kind=Kind.YOUTH_UNREACHABLE,
        subject=youth,
        payload={"youth_id": youth.pk},
        dedupe_key=f"youth_unreachable:{youth.pk}:{youth.unreachable_at.isoformat()}",
        now=now,
    )


def notify_youth_message(*, message, now: datetime | None = None) -> None:
    """A youth wrote through the bot: their contact consultant (or, without one, the
    municipality's consultants) hears by e-mail, as they chose. The e-mail carries neither the
    youth's name nor the words: the consultant reads them on the portal."""
    youth = message.youth
    email_notify_all(
        users=consultant_recipients(municipality=youth.municipality_id, youth=youth),
        kind=Kind.YOUTH_MESSAGE,
        subject=message,
        payload={"youth_id": youth.pk},
        dedupe_key=f"youth_message:{message.pk}",
        now=now,
    )
