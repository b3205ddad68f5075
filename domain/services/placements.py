"""Placements (forløb): proposed after an accepted interest, approved against the slot's seats,
started on their date, ended, and switched to another company. The only writers of Placement."""

import logging
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import display, events
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_and_refresh, lock_for_update
from domain.models import Interest, OutboxMessage, Placement, Slot, Youth
from domain.policy import (
    can_follow_up,
    forbidden,
    not_found,
    require_municipality,
    require_youth,
    user_from,
)
from domain.selectors.slots import slot_seats_taken
from domain.services.cleaning import tidy
from domain.services.notify import notify_placement_decided
from domain.services.outbox import outbox_push
from domain.services.reminders import reminders_sync_placement
from domain.timeutils import local_date

logger = logging.getLogger(__name__)

Status = Placement.Status
# Placements that have begun: their interest can no longer be withdrawn.
STARTED = (Status.ACTIVE, Status.COMPLETED, Status.ENDED_EARLY)
# Stored as data (not translated): the reason an interface shows next to a switched placement.
SWITCH_REASON = "Switched to another company"
REASON_MAX_LENGTH = 500


# --- helpers --------------------------------------------------------------------------------------


def _require_approver(actor: object, placement: Placement) -> None:
    """Approval is a person's decision: a consultant of the youth's municipality or an admin.
    Companies, youth and the system may not approve or reject."""
    if not can_follow_up(actor, placement.youth.municipality_id):
        raise forbidden()


def _clean_reason(reason: str | None, *, required: bool) -> str:
    reason = tidy(reason, field="reason", multiline=True)
    if required and not reason:
        raise DomainError(_("Please give a reason."), code="reason_required", field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(
            _("The reason can be at most 500 characters."), code="reason_too_long", field="reason"
        )
    return reason


def _local_today(youth: Youth, now: datetime) -> date:
    return local_date(now, youth.municipality.timezone)


def _check_terms(
    *, slot: Slot, hours_per_week: int, start_date: date, end_date: date | None, today: date
) -> date | None:
    """Validate the youth's chosen hours and dates against the slot; returns the end date
    (the slot's own end when the youth gave none: a placement cannot outlast its slot)."""
    if (
        not isinstance(hours_per_week, int)
        or isinstance(hours_per_week, bool)
        or not slot.hours_min <= hours_per_week <= slot.hours_max
    ):
        raise DomainError(
            _("Choose between %(min)d and %(max)d hours per week.")
            % {"min": slot.hours_min, "max": slot.hours_max},
            code="hours_out_of_range",
            field="hours_per_week",
        )
    if start_date < today or start_date < slot.earliest_start:
        raise DomainError(
            _("The placement cannot start before %(date)s.")
            % {"date": display.day(max(today, slot.earliest_start))},
            code="start_too_early",
            field="start_date",
        )
    if slot.end_date and start_date > slot.end_date:
        raise DomainError(
            _("The placement must start before the slot ends."),
            code="start_too_late",
            field="start_date",
        )
    end_date = end_date or slot.end_date
    if end_date is not None and end_date < start_date:
        raise DomainError(
            _("The end cannot be before the start."), code="end_before_start", field="end_date"
        )
    if slot.end_date and end_date is not None and end_date > slot.end_date:
        raise DomainError(
            _("The placement cannot end after the slot ends (%(date)s).")
            % {"date": display.day(slot.end_date)},
            code="end_too_late",
            field="end_date",
        )
    return end_date


def _conflict() -> DomainError:
    return DomainError(_("There is already a placement under way for this slot."), code="conflict")


def _live_exists(youth_id: int, slot_id: int) -> bool:
    return Placement.objects.filter(
        youth_id=youth_id, slot_id=slot_id, status__in=Placement.LIVE
    ).exists()


def _propose(
    *,
    interest: Interest,
    actor: object,
    hours_per_week: int,
    start_date: date,
    end_date: date | None,
    now: datetime,
    previous: Placement | None = None,
) -> Placement:
    require_youth(actor, interest.youth)
    # Serialises with interest_withdraw / interest_decline, which lock the interest too.
    lock_and_refresh(interest)
    if interest.status != Interest.Status.ACCEPTED:
        raise invalid_state(_("A placement can only follow an interest the company accepted."))
    youth = interest.youth
    if youth.status != Youth.Status.ACTIVE or youth.erased_at is not None:
        raise invalid_state(_("Only an active participant can start a placement."))
    slot = Slot.objects.get(pk=interest.slot_id)
    if slot.status not in (Slot.Status.OPEN, Slot.Status.PAUSED):
        raise invalid_state(_("This slot is closed."))
    end_date = _check_terms(
        slot=slot,
        hours_per_week=hours_per_week,
        start_date=start_date,
        end_date=end_date,
        today=_local_today(youth, now),
    )
    if _live_exists(youth.pk, slot.pk):
        raise _conflict()
    try:
        # A savepoint, so that losing a race to the partial unique constraint leaves the
        # surrounding transaction usable and the caller gets the same "conflict" either way.
        with transaction.atomic():
            placement = Placement.objects.create(
                youth=youth,
                slot=slot,
                interest=interest,
                hours_per_week=hours_per_week,
                start_date=start_date,
                end_date=end_date,
                previous=previous,
                proposed_by=user_from(actor),
                created_at=now,
            )
    except IntegrityError:
        if _live_exists(youth.pk, slot.pk):
            raise _conflict() from None
        raise
    reminders_sync_placement(placement, now=now)
    events.publish("placement.proposed", **events.subject_ids(placement), interest_id=interest.pk)
    return placement


def _finish(
    *,
    placement: Placement,
    actor: object,
    status: str,
    reason: str,
    now: datetime,
) -> Placement:
    """active → completed | ended_early."""
    lock_and_refresh(placement)
    if placement.status != Status.ACTIVE:
        raise invalid_state(_("Only an active placement can end."))
    placement.status = status
    placement.end_reason = reason
    placement.ended_at = now
    placement.save(update_fields=["status", "end_reason", "ended_at"])
    action = "placement.complete" if status == Status.COMPLETED else "placement.end_early"
    audit_log(
        actor=actor,
        action=action,
        target=placement,
        municipality_id=placement.youth.municipality_id,
        # Never the words themselves: they may name the youth, and erasure cannot reach here.
        data={
            "from": Status.ACTIVE,
            "to": status,
            "has_reason": bool(reason),
            "slot_id": placement.slot_id,
        },
        now=now,
    )
    reminders_sync_placement(placement, now=now)
    events.publish(f"placement.{status}", **events.subject_ids(placement))
    return placement


# --- services -------------------------------------------------------------------------------------


@transaction.atomic
def placement_propose(
    *,
    interest: Interest,
    actor: object,
    hours_per_week: int,
    start_date: date,
    end_date: date | None = None,
    now: datetime | None = None,
) -> Placement:
    """The youth (or their consultant, or an admin) proposes a placement after the company
    accepted their interest: hours within the slot's range, start from today and the slot's
    earliest start, end within the slot's end. Without an end date the slot's end is used."""
    now = now or timezone.now()
    return _propose(
        interest=interest,
        actor=actor,
        hours_per_week=hours_per_week,
        start_date=start_date,
        end_date=end_date,
        now=now,
    )


@transaction.atomic
def placement_approve(
    *, placement: Placement, actor: object, now: datetime | None = None
) -> Placement:
    """A consultant of the youth's municipality (or an admin) approves a proposed placement.

    The slot row is locked before the seats are counted, so concurrent approvals on one slot
    are serialised and approved + active placements never exceed its seats.
    """
    now = now or timezone.now()
    _require_approver(actor, placement)
    slot = lock_for_update(Slot, placement.slot_id)
    lock_and_refresh(placement)
    if placement.status != Status.PROPOSED:
        raise invalid_state(_("Only a proposed placement can be approved."))
    if slot.status not in (Slot.Status.OPEN, Slot.Status.PAUSED):
        raise invalid_state(_("This slot is closed."))
    youth = placement.youth
    if youth.status == Youth.Status.LEFT or youth.erased_at is not None:
        raise invalid_state(_("This participant has left the programme."))
    seated = slot_seats_taken(slot=slot)
    if seated >= slot.seats:
        raise DomainError(_("All seats of this slot are taken."), code="full")

    placement.status = Status.APPROVED
    placement.decided_at = now
    placement.decided_by = user_from(actor)
    placement.save(update_fields=["status", "decided_at", "decided_by"])
    placement.slot = slot
    audit_log(
        actor=actor,
        action="placement.approve",
        target=placement,
        municipality_id=youth.municipality_id,
        data={
            "from": Status.PROPOSED,
            "to": Status.APPROVED,
            "slot_id": slot.pk,
            "youth_id": youth.pk,
            "seats": slot.seats,
            "seated": seated + 1,
        },
        now=now,
    )
    outbox_push(
        recipient=youth,
        kind=OutboxMessage.Kind.PLACEMENT_APPROVED,
        subject=placement,
        dedupe_key=f"placement_approved:{placement.pk}",
        payload={
            "slot_id": slot.pk,
            "company_id": slot.company_id,
            "start_date": placement.start_date.isoformat(),
            "hours_per_week": placement.hours_per_week,
        },
        now=now,
    )
    reminders_sync_placement(placement, now=now)
    notify_placement_decided(placement=placement, now=now)
    events.publish("placement.approved", **events.subject_ids(placement))
    return placement


@transaction.atomic
def placement_reject(
    *, placement: Placement, actor: object, reason: str, now: datetime | None = None
) -> Placement:
    """A consultant of the youth's municipality (or an admin) rejects a proposed placement,
    with a reason the youth is told. The interest stays accepted: a new proposal may follow."""
    now = now or timezone.now()
    _require_approver(actor, placement)
    reason = _clean_reason(reason, required=True)
    lock_and_refresh(placement)
    if placement.status != Status.PROPOSED:
        raise invalid_state(_("Only a proposed placement can be rejected."))
    placement.status = Status.REJECTED
    placement.reject_reason = reason
    placement.decided_at = now
    placement.decided_by = user_from(actor)
    placement.save(update_fields=["status", "reject_reason", "decided_at", "decided_by"])
    audit_log(
        actor=actor,
        action="placement.reject",
        target=placement,
        municipality_id=placement.youth.municipality_id,
        data={
            "from": Status.PROPOSED,
            "to": Status.REJECTED,
            "has_reason": bool(reason),  # the words may name the youth
            "slot_id": placement.slot_id,
            "youth_id": placement.youth_id,
        },
        now=now,
    )
    outbox_push(
        recipient=placement.youth,
        kind=OutboxMessage.Kind.PLACEMENT_REJECTED,
        subject=placement,
        dedupe_key=f"placement_rejected:{placement.pk}",
        payload={"slot_id": placement.slot_id, "reason": reason},
        now=now,
    )
    reminders_sync_placement(placement, now=now)
    notify_placement_decided(placement=placement, now=now)
    events.publish("placement.rejected", **events.subject_ids(placement))
    return placement


@transaction.atomic
def placement_withdraw(
    *, placement: Placement, actor: object, reason: str = "", now: datetime | None = None
) -> Placement:
    """The youth (or their consultant, or an admin) withdraws a placement before it starts:
    proposed | approved → withdrawn, which frees an approved placement's seat."""
    now = now or timezone.now()
    require_youth(actor, placement.youth)
    reason = _clean_reason(reason, required=False)
    lock_and_refresh(placement)
    if placement.status not in (Status.PROPOSED, Status.APPROVED):
        raise invalid_state(_("Only a placement that has not started can be withdrawn."))
    previous_status = placement.status
    placement.status = Status.WITHDRAWN
    placement.end_reason = reason
    placement.ended_at = now
    placement.save(update_fields=["status", "end_reason", "ended_at"])
    audit_log(
        actor=actor,
        action="placement.withdraw",
        target=placement,
        municipality_id=placement.youth.municipality_id,
        data={"from": previous_status, "to": Status.WITHDRAWN, "slot_id": placement.slot_id},
        now=now,
    )
    reminders_sync_placement(placement, now=now)
    events.publish("placement.withdrawn", **events.subject_ids(placement))
    return placement


@transaction.atomic
def placement_start(
    *, placement: Placement, actor: object = None, now: datetime | None = None
) -> Placement:
    """approved → active once the start date has come in the youth's municipality (the
    system's daily run, a consultant of that municipality, or an admin)."""
    now = now or timezone.now()
    require_municipality(actor, placement.youth.municipality_id)
    lock_and_refresh(placement)
    if placement.status != Status.APPROVED:
        raise invalid_state(_("Only an approved placement can start."))
    youth = Youth.objects.get(pk=placement.youth_id)  # current status, not the caller's copy
    if youth.status == Youth.Status.LEFT or youth.erased_at is not None:
        raise invalid_state(_("This participant has left the programme."))
    if placement.start_date > _local_today(placement.youth, now):
        raise DomainError(_("The placement has not reached its start date."), code="too_early")
    other_active = Placement.objects.filter(youth_id=placement.youth_id, status=Status.ACTIVE)
    already_active = DomainError(
        _("The participant already has an active placement; end it first."), code="conflict"
    )
    if other_active.exists():
        raise already_active
    placement.status = Status.ACTIVE
    placement.started_at = now
    try:
        with transaction.atomic():
            placement.save(update_fields=["status", "started_at"])
    except IntegrityError:
        # Another placement of the same youth started concurrently (one active per youth).
        placement.status, placement.started_at = Status.APPROVED, None
        raise already_active from None
    audit_log(
        actor=actor,
        action="placement.start",
        target=placement,
        municipality_id=placement.youth.municipality_id,
        data={"from": Status.APPROVED, "to": Status.ACTIVE, "slot_id": placement.slot_id},
        now=now,
    )
    reminders_sync_placement(placement, now=now)
    events.publish("placement.started", **events.subject_ids(placement))
    return placement


def placements_start_due(*, now: datetime | None = None) -> int:
    """Start every approved placement whose start date has come in its municipality's local
    time (run by the worker). Each start is its own transaction, so one refusal (say, the
    youth still has another active placement) does not hold back the others. Returns how many
    started."""
    now = now or timezone.now()
    # No municipality is more than a day ahead of UTC; the exact local date is checked below.
    horizon = now.date() + timedelta(days=1)
    due = (
        Placement.objects.filter(status=Status.APPROVED, start_date__lte=horizon)
        .select_related("youth__municipality", "slot")
        .order_by("start_date", "pk")
    )
    started = 0
    for placement in due:
        if placement.start_date > _local_today(placement.youth, now):
            continue
        try:
            placement_start(placement=placement, actor=None, now=now)
        except DomainError as exc:
            logger.info("Placement #%s not started: %s", placement.pk, exc.code)
        else:
            started += 1
    return started


@transaction.atomic
def placement_complete(
    *, placement: Placement, actor: object, now: datetime | None = None
) -> Placement:
    """active → completed (a consultant of the youth's municipality, an admin, or the system
    when the end date has passed)."""
    now = now or timezone.now()
    require_municipality(actor, placement.youth.municipality_id)
    return _finish(placement=placement, actor=actor, status=Status.COMPLETED, reason="", now=now)


def placements_complete_due(*, now: datetime | None = None) -> int:
    """Complete every active placement whose end date lies before today's local date (run by
    the worker). Returns how many were completed."""
    now = now or timezone.now()
    horizon = now.date()  # ended "yesterday" somewhere: checked exactly below
    due = (
        Placement.objects.filter(status=Status.ACTIVE, end_date__lte=horizon)
        .select_related("youth__municipality", "slot")
        .order_by("end_date", "pk")
    )
    completed = 0
    for placement in due:
        if placement.end_date >= _local_today(placement.youth, now):
            continue
        try:
            placement_complete(placement=placement, actor=None, now=now)
        except DomainError as exc:
            logger.info("Placement #%s not completed: %s", placement.pk, exc.code)
        else:
            completed += 1
    return completed


@transaction.atomic
def placement_end_early(
    *, placement: Placement, actor: object, reason: str, now: datetime | None = None
) -> Placement:
    """active → ended_early, with a reason (the youth themself, their consultant, an admin)."""
    now = now or timezone.now()
    require_youth(actor, placement.youth)
    reason = _clean_reason(reason, required=True)
    return _finish(
        placement=placement, actor=actor, status=Status.ENDED_EARLY, reason=reason, now=now
    )


@transaction.atomic
def placement_switch(
    *,
    placement: Placement,
    to_interest: Interest,
    actor: object,
    hours_per_week: int,
    start_date: date,
    end_date: date | None = None,
    now: datetime | None = None,
) -> Placement:
    """Switch company: end the active ``placement`` early and propose the next one from
    ``to_interest`` (an interest of the same youth, accepted by another slot's company).

    Both happen or neither: if the new proposal is refused, the current placement stays active.
    The new placement's ``previous`` points at the old one, so the history is kept. Returns the
    new (proposed) placement.
    """
    now = now or timezone.now()
    require_youth(actor, placement.youth)
    if to_interest.youth_id != placement.youth_id:
        raise not_found()
    if to_interest.slot_id == placement.slot_id:
        raise DomainError(
            _("Choose another slot to switch to."), code="same_slot", field="to_interest"
        )
    try:
        with transaction.atomic():
            _finish(
                placement=placement,
                actor=actor,
                status=Status.ENDED_EARLY,
                reason=SWITCH_REASON,
                now=now,
            )
            new = _propose(
                interest=to_interest,
                actor=actor,
                hours_per_week=hours_per_week,
                start_date=start_date,
                end_date=end_date,
                now=now,
                previous=placement,
            )
    except DomainError:
        # The savepoint rolled back; give the caller's instance the state the database kept.
        placement.refresh_from_db()
        raise
    audit_log(
        actor=actor,
        action="placement.switch",
        target=placement,
        municipality_id=placement.youth.municipality_id,
        data={
            "from_placement_id": placement.pk,
            "to_placement_id": new.pk,
            "to_interest_id": to_interest.pk,
            "from_slot_id": placement.slot_id,
            "to_slot_id": new.slot_id,
        },
        now=now,
    )
    return new
