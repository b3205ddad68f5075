"""Placement slots companies post, and their life cycle: draft → open ⇄ paused → closed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from domain import events, policy
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_for_update
from domain.models import Company, Interest, NetworkMembership, OutboxMessage, Slot
from domain.models.placements import MAX_HOURS_PER_WEEK
from domain.selectors.slots import slot_seats_taken
from domain.services.cleaning import clean_text
from domain.services.network import clean_postcode, sector_from
from domain.services.outbox import outbox_push
from domain.services.slot_alerts import slot_alerts_schedule

Status = Slot.Status

SEATS_MAX = 50
# A slot's start may lie at most this far ahead; further is almost certainly a typo.
START_HORIZON = timedelta(days=2 * 365)
SLOT_FIELDS = frozenset(
    {
        "title",
        "description",
        "kind",
        "sector",
        "address",
        "postcode",
        "hours_min",
        "hours_max",
        "earliest_start",
        "end_date",
        "seats",
    }
)
EDITABLE = (Status.DRAFT, Status.OPEN, Status.PAUSED)
# Stored on the interests a closing declines; the bot renders its own text from the kind.
CLOSED_REASON = "The placement was closed."


# The refusal of a transition the slot's state does not allow.
_STATE_REFUSED = _("This cannot be done in the slot's current state.")


def _int(value: object, *, field: str, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except (TypeError, ValueError):
            raise DomainError(_("Enter a whole number."), code=code, field=field) from None
    return value


def _date(value: object, *, field: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            raise DomainError(_("Enter a valid date."), code="date_invalid", field=field) from None
    return value


def _values(fields: dict, *, current: Slot | None, today: date) -> dict:
    """Validate the fields present, checking cross-field rules against ``current``'s values."""
    cleaned: dict = {}
    if "title" in fields:
        cleaned["title"] = clean_text(fields["title"], field="title", max_length=120)
    if "description" in fields:
        cleaned["description"] = clean_text(
            fields["description"], field="description", max_length=4000, required=False
        )
    if "kind" in fields:
        if fields["kind"] not in Slot.Kind.values:
            raise DomainError(_("Choose a kind of slot."), code="kind_invalid", field="kind")
        cleaned["kind"] = str(fields["kind"])
    if "sector" in fields:
        cleaned["sector"] = sector_from(fields["sector"])
    if "address" in fields:
        cleaned["address"] = clean_text(fields["address"], field="address", max_length=200)
    if "postcode" in fields:
        cleaned["postcode"] = clean_postcode(fields["postcode"])
    for name in ("hours_min", "hours_max"):
        if name in fields:
            cleaned[name] = _int(fields[name], field=name, code="hours_out_of_range")
    if "seats" in fields:
        cleaned["seats"] = _int(fields["seats"], field="seats", code="seats_out_of_range")
    if "earliest_start" in fields:
        cleaned["earliest_start"] = _date(fields["earliest_start"], field="earliest_start")
    if "end_date" in fields:
        cleaned["end_date"] = (
            None
            if fields["end_date"] in (None, "")
            else _date(fields["end_date"], field="end_date")
        )

    def value(name: str):
        return cleaned[name] if name in cleaned else getattr(current, name, None)

    hours_min, hours_max = value("hours_min"), value("hours_max")
    for name, hours in (("hours_min", hours_min), ("hours_max", hours_max)):
        if not 1 <= hours <= MAX_HOURS_PER_WEEK:
            raise DomainError(
                _("Hours per week must be between 1 and %(max)d.") % {"max": MAX_HOURS_PER_WEEK},
                code="hours_out_of_range",
                field=name,
            )
    if hours_min > hours_max:
        raise DomainError(
            _("The minimum hours per week cannot be more than the maximum."),
            code="hours_out_of_range",
            field="hours_min",
        )
    if "seats" in cleaned and not 1 <= cleaned["seats"] <= SEATS_MAX:
        raise DomainError(
            _("A slot has between 1 and %(max)d seats.") % {"max": SEATS_MAX},
            code="seats_out_of_range",
            field="seats",
        )
    start_changed = "earliest_start" in cleaned and (
        current is None or cleaned["earliest_start"] != current.earliest_start
    )
    if start_changed:
        # Only a start that is being set now must lie ahead; an open slot keeps its old start.
        if cleaned["earliest_start"] < today:
            raise DomainError(
                _("The start cannot be in the past."), code="date_in_past", field="earliest_start"
            )
        if cleaned["earliest_start"] > today + START_HORIZON:
            raise DomainError(
                _("The start is too far ahead."), code="date_too_far", field="earliest_start"
            )
    end_date, start = value("end_date"), value("earliest_start")
    if end_date is not None and end_date < start:
        raise DomainError(
            _("The end cannot be before the start."), code="end_before_start", field="end_date"
        )
    return cleaned


def _scope(slot: Slot) -> dict:
    """Event routing: a company can be in several municipalities' networks."""
    municipality_ids = sorted(
        NetworkMembership.objects.municipality_ids_of(slot.company_id).values_list(
            "municipality_id", flat=True
        )
    )
    return {
        "company_id": slot.company_id,
        "municipality_id": None,
        "municipality_ids": municipality_ids,
    }


def _require_in_network(company_id: int) -> None:
    if not NetworkMembership.objects.accepted().filter(company_id=company_id).exists():
        raise DomainError(
            _("The company must be accepted into a municipality's network first."),
            code="not_in_network",
        )


@transaction.atomic
def slot_create(
    *,
    company: Company,
    actor: object,
    title: str,
    description: str,
    kind: str,
    sector: object,
    address: str,
    postcode: str,
    hours_min: int,
    hours_max: int,
    earliest_start: date,
    end_date: date | None = None,
    seats: int = 1,
    now: datetime | None = None,
) -> Slot:
    """A new slot in ``draft``; publish it to show it to youth."""
    now = now or timezone.now()
    policy.require_company(actor, company)
    values = _values(
        {
            "title": title,
            "description": description,
            "kind": kind,
            "sector": sector,
            "address": address,
            "postcode": postcode,
            "hours_min": hours_min,
            "hours_max": hours_max,
            "earliest_start": earliest_start,
            "end_date": end_date,
            "seats": seats,
        },
        current=None,
        today=timezone.localdate(now),
    )
    slot = Slot.objects.create(company=company, status=Status.DRAFT, **values)
    events.publish("slot.created", id=slot.pk, **_scope(slot))
    return slot


@transaction.atomic
def slot_update(*, slot: Slot, actor: object, now: datetime | None = None, **fields) -> Slot:
    """Change a draft, open or paused slot. Seats never drop below the seats already taken."""
    now = now or timezone.now()
    unknown = set(fields) - SLOT_FIELDS
    if unknown:
        raise TypeError(f"slot_update() got unexpected fields: {sorted(unknown)}")
    policy.require_company(actor, slot.company_id)
    # Lock before counting the seats taken: an approval running now must not slip past.
    slot = lock_for_update(Slot, slot.pk)
    if slot.status not in EDITABLE:
        raise invalid_state(_STATE_REFUSED)
    values = _values(fields, current=slot, today=timezone.localdate(now))
    changed = [key for key, value in values.items() if getattr(slot, key) != value]
    if not changed:
        return slot
    if "seats" in changed:
        taken = slot_seats_taken(slot=slot)
        if values["seats"] < taken:
            raise DomainError(
                ngettext(
                    "%(taken)d seat is already taken by an approved or active placement.",
                    "%(taken)d seats are already taken by approved or active placements.",
                    taken,
                )
                % {"taken": taken},
                code="seats_below_placements",
                field="seats",
            )
    for key in changed:
        setattr(slot, key, values[key])
    slot.save(update_fields=[*changed, "updated_at"])
    events.publish("slot.updated", id=slot.pk, **_scope(slot))
    return slot


def _transition(*, slot: Slot, actor: object, allowed_from: tuple, to: str) -> tuple[Slot, str]:
    policy.require_company(actor, slot.company_id)
    slot = lock_for_update(Slot, slot.pk)
    if slot.status not in allowed_from:
        raise invalid_state(_STATE_REFUSED)
    previous = slot.status
    slot.status = to
    return slot, previous


def _audit(*, slot: Slot, actor: object, action: str, previous: str, now: datetime, **data) -> None:
    audit_log(
        actor=actor,
        action=action,
        target=slot,
        data={"company_id": slot.company_id, "from": previous, "to": slot.status, **data},
        now=now,
    )


@transaction.atomic
def slot_publish(*, slot: Slot, actor: object, now: datetime | None = None) -> Slot:
    """draft → open: youth of the company's networks can now see it."""
    now = now or timezone.now()
    slot, previous = _transition(
        slot=slot, actor=actor, allowed_from=(Status.DRAFT,), to=Status.OPEN
    )
    _require_in_network(slot.company_id)
    slot.published_at = now
    slot.save(update_fields=["status", "published_at", "updated_at"])
    _audit(slot=slot, actor=actor, action="slot.publish", previous=previous, now=now)
    slot_alerts_schedule(slot=slot, now=now)
    events.publish("slot.published", id=slot.pk, **_scope(slot))
    return slot


@transaction.atomic
def slot_pause(*, slot: Slot, actor: object, now: datetime | None = None) -> Slot:
    """open → paused: hidden from youth for a while; existing interests carry on."""
    now = now or timezone.now()
    slot, previous = _transition(
        slot=slot, actor=actor, allowed_from=(Status.OPEN,), to=Status.PAUSED
    )
    slot.save(update_fields=["status", "updated_at"])
    _audit(slot=slot, actor=actor, action="slot.pause", previous=previous, now=now)
    events.publish("slot.paused", id=slot.pk, **_scope(slot))
    return slot


@transaction.atomic
def slot_resume(*, slot: Slot, actor: object, now: datetime | None = None) -> Slot:
    """paused → open."""
    now = now or timezone.now()
    slot, previous = _transition(
        slot=slot, actor=actor, allowed_from=(Status.PAUSED,), to=Status.OPEN
    )
    _require_in_network(slot.company_id)
    slot.save(update_fields=["status", "updated_at"])
    _audit(slot=slot, actor=actor, action="slot.resume", previous=previous, now=now)
    events.publish("slot.resumed", id=slot.pk, **_scope(slot))
    return slot


@transaction.atomic
def slot_close(*, slot: Slot, actor: object, now: datetime | None = None) -> Slot:
    """draft/open/paused → closed, for good. Interests still waiting for the company's answer
    are declined by the system and the youth are told; accepted interests, proposed and running
    placements carry on."""
    now = now or timezone.now()
    slot, previous = _transition(
        slot=slot,
        actor=actor,
        allowed_from=(Status.DRAFT, Status.OPEN, Status.PAUSED),
        to=Status.CLOSED,
    )
    slot.save(update_fields=["status", "updated_at"])
    pending = list(
        Interest.objects.select_for_update()
        .filter(slot=slot, status=Interest.Status.PENDING)
        .select_related("youth__municipality")
        .order_by("pk")
    )
    Interest.objects.filter(pk__in=[i.pk for i in pending], status=Interest.Status.PENDING).update(
        status=Interest.Status.DECLINED, decline_reason=CLOSED_REASON, decided_at=now
    )
    for interest in pending:
        interest.status = Interest.Status.DECLINED
        interest.decline_reason = CLOSED_REASON
        interest.decided_at = now
        outbox_push(
            recipient=interest.youth,
            kind=OutboxMessage.Kind.INTEREST_DECLINED,
            subject=interest,
            payload={"slot_id": slot.pk, "reason": "slot_closed"},
            dedupe_key=f"interest_declined:{interest.pk}",
            now=now,
        )
        events.publish(
            "interest.declined",
            id=interest.pk,
            municipality_id=interest.youth.municipality_id,
            company_id=slot.company_id,
            youth_id=interest.youth_id,
            slot_id=slot.pk,
        )
    _audit(
        slot=slot,
        actor=actor,
        action="slot.close",
        previous=previous,
        now=now,
        declined_interest_ids=[i.pk for i in pending],
    )
    events.publish("slot.closed", id=slot.pk, **_scope(slot))
    return slot
