"""Placements: propose, approve against seats, reject, withdraw, start, end, switch company."""

from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import (
    AuditEntry,
    CheckIn,
    FollowUpNote,
    Interest,
    OutboxMessage,
    Placement,
    Slot,
    Youth,
)
from domain.selectors.placements import (
    placement_get_for_user,
    placement_get_for_youth,
    placements_awaiting_approval,
    placements_of_youth,
    placements_visible_to_user,
)
from domain.services import placements as placement_services
from domain.services.placements import (
    SWITCH_REASON,
    placement_approve,
    placement_complete,
    placement_end_early,
    placement_propose,
    placement_reject,
    placement_start,
    placement_switch,
    placement_withdraw,
    placements_complete_due,
    placements_start_due,
)
from domain.services.reminders import reminders_sync_placement
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Copenhagen
TODAY = date(2026, 11, 23)
NEXT_MONDAY = date(2026, 11, 30)
Status = Placement.Status
Kind = OutboxMessage.Kind
ALL_STATES = list(Status)

MATRIX_APPROVERS = [
    ("youth_self", False),
    ("other_youth", False),
    ("own_company", False),
    ("other_company", False),
    ("own_consultant", True),
    ("other_consultant", False),
    ("admin", True),
    ("system", False),
]
MATRIX_YOUTH_SIDE = [
    ("youth_self", True),
    ("other_youth", False),
    ("own_company", False),
    ("other_company", False),
    ("own_consultant", True),
    ("other_consultant", False),
    ("admin", True),
]
MATRIX_STAFF_OR_SYSTEM = [
    ("youth_self", False),
    ("other_youth", False),
    ("own_company", False),
    ("other_company", False),
    ("own_consultant", True),
    ("other_consultant", False),
    ("admin", True),
    ("system", True),
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


MODELS = (Interest, Placement, OutboxMessage, AuditEntry, CheckIn, FollowUpNote)
refused = partial(helpers.refused, models=MODELS)


def make_placement(youth, slot, status=Status.PROPOSED, **kwargs) -> Placement:
    if status == Status.REJECTED:
        kwargs.setdefault("reject_reason", "Ikke nu")
    if status in (Status.ACTIVE, Status.COMPLETED, Status.ENDED_EARLY):
        kwargs.setdefault("start_date", TODAY - timedelta(days=7))
        kwargs.setdefault("started_at", NOW - timedelta(days=7))
    return f.PlacementFactory(youth=youth, slot=slot, status=status, **kwargs)


def outbox(kind=None, status=OutboxMessage.Status.PENDING) -> list[OutboxMessage]:
    rows = OutboxMessage.objects.filter(status=status).order_by("due_at", "pk")
    return list(rows.filter(kind=kind) if kind else rows)


@pytest.fixture
def accepted(youth, slot):
    return f.AcceptedInterestFactory(youth=youth, slot=slot)


@pytest.fixture
def proposed(youth, slot, accepted):
    return make_placement(youth, slot, interest=accepted, start_date=NEXT_MONDAY)


def propose(interest, actor, **overrides) -> Placement:
    kwargs = {"hours_per_week": 15, "start_date": NEXT_MONDAY} | overrides
    return placement_propose(interest=interest, actor=actor, **kwargs)


# --- propose --------------------------------------------------------------------------------------


def test_placement_propose_after_an_accepted_interest(
    youth, slot, accepted, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        placement = propose(accepted, youth, hours_per_week=12)
    assert placement.status == Status.PROPOSED
    assert (placement.youth, placement.slot, placement.interest) == (youth, slot, accepted)
    assert placement.hours_per_week == 12
    assert placement.start_date == NEXT_MONDAY
    assert placement.end_date is None
    assert placement.created_at == NOW
    assert placement.proposed_by is None  # the youth is not a portal user
    assert [e.data for e in published if e.type == "placement.proposed"] == [
        {
            "id": placement.pk,
            "municipality_id": youth.municipality_id,
            "company_id": slot.company_id,
            "youth_id": youth.pk,
            "slot_id": slot.pk,
            "interest_id": accepted.pk,
        }
    ]


@pytest.mark.parametrize(
    "status", [Interest.Status.PENDING, Interest.Status.DECLINED, Interest.Status.WITHDRAWN]
)
def test_placement_propose_needs_an_accepted_interest(youth, slot, status):
    interest = f.InterestFactory(youth=youth, slot=slot, status=status)
    refused("invalid_state", lambda: propose(interest, youth))


@pytest.mark.parametrize(("role", "allowed"), MATRIX_YOUTH_SIDE)
def test_placement_propose_permissions(accepted, actor_of, role, allowed):
    actor = actor_of(role)
    if allowed:
        placement = propose(accepted, actor)
        assert Placement.objects.get(pk=placement.pk).status == Status.PROPOSED
    else:
        refused("forbidden", lambda: propose(accepted, actor))


def test_placement_propose_by_a_consultant_records_who_proposed(accepted, consultant):
    assert propose(accepted, consultant.user).proposed_by == consultant.user


@pytest.mark.parametrize(("hours", "ok"), [(9, False), (10, True), (20, True), (21, False)])
def test_placement_propose_hours_within_the_slots_range(accepted, youth, hours, ok):
    if ok:
        assert propose(accepted, youth, hours_per_week=hours).hours_per_week == hours
    else:
        refused(
            "hours_out_of_range",
            lambda: propose(accepted, youth, hours_per_week=hours),
            field="hours_per_week",
        )


@pytest.mark.parametrize("hours", ["15", 15.0, True, None])
def test_placement_propose_refuses_hours_that_are_not_a_whole_number(accepted, youth, hours):
    refused(
        "hours_out_of_range",
        lambda: propose(accepted, youth, hours_per_week=hours),
        field="hours_per_week",
    )


def test_placement_propose_may_start_today_but_not_before(accepted, youth):
    refused(
        "start_too_early",
        lambda: propose(accepted, youth, start_date=TODAY - timedelta(days=1)),
        field="start_date",
    )
    assert propose(accepted, youth, start_date=TODAY).start_date == TODAY


def test_placement_propose_not_before_the_slots_earliest_start(youth, company):
    slot = f.SlotFactory(company=company, earliest_start=date(2026, 12, 7))
    interest = f.AcceptedInterestFactory(youth=youth, slot=slot)
    refused(
        "start_too_early",
        lambda: propose(interest, youth, start_date=date(2026, 12, 6)),
        field="start_date",
    )
    assert propose(interest, youth, start_date=date(2026, 12, 7)).start_date == date(2026, 12, 7)


def test_placement_propose_end_after_start(accepted, youth):
    refused(
        "end_before_start",
        lambda: propose(accepted, youth, end_date=NEXT_MONDAY - timedelta(days=1)),
        field="end_date",
    )
    assert propose(accepted, youth, end_date=NEXT_MONDAY).end_date == NEXT_MONDAY


def test_placement_propose_stays_within_the_slots_end(youth, company):
    slot = f.SlotFactory(company=company, end_date=date(2026, 12, 31))
    interest = f.AcceptedInterestFactory(youth=youth, slot=slot)
    refused(
        "end_too_late",
        lambda: propose(interest, youth, end_date=date(2027, 1, 1)),
        field="end_date",
    )
    refused(
        "start_too_late",
        lambda: propose(interest, youth, start_date=date(2027, 1, 1)),
        field="start_date",
    )
    # Without an end of its own the placement ends with the slot.
    assert propose(interest, youth).end_date == date(2026, 12, 31)


def test_placement_propose_one_live_placement_per_youth_and_slot(accepted, youth, slot):
    propose(accepted, youth)
    refused("conflict", lambda: propose(accepted, youth, hours_per_week=18))


@pytest.mark.parametrize("status", [Status.REJECTED, Status.WITHDRAWN, Status.ENDED_EARLY])
def test_placement_propose_again_after_an_ended_one(accepted, youth, slot, status):
    make_placement(youth, slot, status, interest=accepted)
    assert propose(accepted, youth).status == Status.PROPOSED


def test_placement_propose_turns_a_lost_race_into_a_conflict(accepted, youth, slot, monkeypatch):
    make_placement(youth, slot, interest=accepted)
    answers = iter([False, True])  # the pre-check misses the twin; the re-check sees it
    monkeypatch.setattr(placement_services, "_live_exists", lambda *args: next(answers))
    refused("conflict", lambda: propose(accepted, youth))


def test_placement_propose_refuses_a_closed_slot_and_an_inactive_youth(accepted, youth, slot):
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.CLOSED)
    refused("invalid_state", lambda: propose(accepted, youth))
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.PAUSED)
    Youth.objects.filter(pk=youth.pk).update(status=Youth.Status.PAUSED)
    youth.refresh_from_db()
    refused("invalid_state", lambda: propose(accepted, youth))


# --- approve --------------------------------------------------------------------------------------


def test_placement_approve_audits_tells_the_youth_and_schedules_the_start_reminder(
    proposed, youth, slot, consultant, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = placement_approve(placement=proposed, actor=consultant.user)
        assert [e for e in published if e.type == "placement.approved"] == []
    assert result is proposed
    proposed.refresh_from_db()
    assert proposed.status == Status.APPROVED
    assert proposed.decided_at == NOW
    assert proposed.decided_by == consultant.user

    audit = AuditEntry.objects.get(action="placement.approve")
    assert (audit.target_type, audit.target_id) == ("portal.placement", proposed.pk)
    assert audit.actor == consultant.user
    assert audit.municipality_id == youth.municipality_id
    assert audit.data["from"] == "proposed" and audit.data["to"] == "approved"

    [message] = outbox(Kind.PLACEMENT_APPROVED)
    assert message.recipient == youth
    assert message.dedupe_key == f"placement_approved:{proposed.pk}"
    assert message.payload["start_date"] == NEXT_MONDAY.isoformat()
    # The day before the start at 17:00 local.
    [reminder] = outbox(Kind.PLACEMENT_START_REMINDER)
    assert reminder.due_at == datetime(2026, 11, 29, 16, 0, tzinfo=UTC)

    [event] = [e for e in published if e.type == "placement.approved"]
    assert event.data == {
        "id": proposed.pk,
        "municipality_id": youth.municipality_id,
        "company_id": slot.company_id,
        "youth_id": youth.pk,
        "slot_id": slot.pk,
    }


@pytest.mark.parametrize("status", [s for s in ALL_STATES if s != Status.PROPOSED])
def test_placement_approve_only_from_proposed(youth, slot, consultant, status):
    placement = make_placement(youth, slot, status)
    refused("invalid_state", lambda: placement_approve(placement=placement, actor=consultant.user))


@pytest.mark.parametrize(("role", "allowed"), MATRIX_APPROVERS)
def test_placement_approve_permissions(proposed, actor_of, role, allowed):
    actor = actor_of(role)
    if allowed:
        placement_approve(placement=proposed, actor=actor)
        assert Placement.objects.get(pk=proposed.pk).status == Status.APPROVED
    else:
        refused("forbidden", lambda: placement_approve(placement=proposed, actor=actor))


def test_placement_approve_refuses_when_slot_is_full(municipality, company, consultant):
    slot = f.SlotFactory(company=company, seats=3)
    placements = [make_placement(f.YouthFactory(municipality=municipality), slot) for _ in range(4)]
    for placement in placements[:3]:
        placement_approve(placement=placement, actor=consultant.user)
    refused("full", lambda: placement_approve(placement=placements[3], actor=consultant.user))
    assert Placement.objects.filter(slot=slot, status=Status.APPROVED).count() == 3


@pytest.mark.parametrize(
    ("other_status", "holds_a_seat"),
    [
        (Status.APPROVED, True),
        (Status.ACTIVE, True),
        (Status.PROPOSED, False),
        (Status.REJECTED, False),
        (Status.WITHDRAWN, False),
        (Status.COMPLETED, False),
        (Status.ENDED_EARLY, False),
    ],
)
def test_placement_approve_counts_only_approved_and_active_placements_against_seats(
    municipality, company, consultant, other_status, holds_a_seat
):
    slot = f.SlotFactory(company=company, seats=1)
    make_placement(f.YouthFactory(municipality=municipality), slot, other_status)
    placement = make_placement(f.YouthFactory(municipality=municipality), slot)
    if holds_a_seat:
        refused("full", lambda: placement_approve(placement=placement, actor=consultant.user))
    else:
        placement_approve(placement=placement, actor=consultant.user)
        assert Placement.objects.get(pk=placement.pk).status == Status.APPROVED


def test_placement_approve_refuses_on_a_closed_slot(proposed, slot, consultant):
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.CLOSED)
    refused("invalid_state", lambda: placement_approve(placement=proposed, actor=consultant.user))


def test_placement_approve_on_a_paused_slot_is_allowed(proposed, slot, consultant):
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.PAUSED)
    assert placement_approve(placement=proposed, actor=consultant.user).status == Status.APPROVED


def test_placement_approve_refuses_for_a_youth_who_left(proposed, youth, consultant):
    Youth.objects.filter(pk=youth.pk).update(status=Youth.Status.LEFT)
    proposed.youth.refresh_from_db()
    refused("invalid_state", lambda: placement_approve(placement=proposed, actor=consultant.user))


def test_placement_approve_sees_a_withdrawal_made_after_the_caller_loaded_it(proposed, consultant):
    """The state is re-read under the lock, not trusted from the caller's instance."""
    Placement.objects.filter(pk=proposed.pk).update(status=Status.WITHDRAWN)
    assert proposed.status == Status.PROPOSED
    refused("invalid_state", lambda: placement_approve(placement=proposed, actor=consultant.user))


# --- reject ---------------------------------------------------------------------------------------


def test_placement_reject_with_a_reason_audits_and_tells_the_youth(
    proposed, youth, consultant, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        placement_reject(placement=proposed, actor=consultant.user, reason=" For mange timer ")
    proposed.refresh_from_db()
    assert proposed.status == Status.REJECTED
    assert proposed.reject_reason == "For mange timer"
    assert proposed.decided_by == consultant.user
    audit = AuditEntry.objects.get(action="placement.reject")
    assert audit.target_id == proposed.pk
    # The words may name the youth, and erasure does not rewrite the audit trail.
    assert audit.data["has_reason"] is True
    assert "For mange timer" not in str(audit.data)
    [message] = outbox(Kind.PLACEMENT_REJECTED)
    assert message.recipient == youth
    assert message.dedupe_key == f"placement_rejected:{proposed.pk}"
    assert message.payload["reason"] == "For mange timer"
    assert [e.data["id"] for e in published if e.type == "placement.rejected"] == [proposed.pk]
    # The interest stays accepted: the youth may propose again.
    assert Interest.objects.get(pk=proposed.interest_id).status == Interest.Status.ACCEPTED


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_placement_reject_requires_a_reason(proposed, consultant, reason):
    refused(
        "reason_required",
        lambda: placement_reject(placement=proposed, actor=consultant.user, reason=reason),
        field="reason",
    )


def test_placement_reject_limits_the_reason(proposed, consultant):
    refused(
        "reason_too_long",
        lambda: placement_reject(placement=proposed, actor=consultant.user, reason="x" * 501),
        field="reason",
    )


@pytest.mark.parametrize("status", [s for s in ALL_STATES if s != Status.PROPOSED])
def test_placement_reject_only_from_proposed(youth, slot, consultant, status):
    placement = make_placement(youth, slot, status)
    refused(
        "invalid_state",
        lambda: placement_reject(placement=placement, actor=consultant.user, reason="Nej"),
    )


@pytest.mark.parametrize(("role", "allowed"), MATRIX_APPROVERS)
def test_placement_reject_permissions(proposed, actor_of, role, allowed):
    actor = actor_of(role)
    if allowed:
        placement_reject(placement=proposed, actor=actor, reason="Nej")
        assert Placement.objects.get(pk=proposed.pk).status == Status.REJECTED
    else:
        refused("forbidden", lambda: placement_reject(placement=proposed, actor=actor, reason="N"))


# --- withdraw -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.PROPOSED, Status.APPROVED])
def test_placement_withdraw_before_the_start_frees_the_seat(youth, slot, status):
    placement = make_placement(youth, slot, status)
    reminders_sync_placement(placement)
    placement_withdraw(placement=placement, actor=youth, reason="Fandt noget andet")
    placement.refresh_from_db()
    assert placement.status == Status.WITHDRAWN
    assert placement.end_reason == "Fandt noget andet"
    assert placement.ended_at == NOW
    assert outbox(Kind.PLACEMENT_START_REMINDER) == []
    assert AuditEntry.objects.filter(action="placement.withdraw", target_id=placement.pk).exists()


@pytest.mark.parametrize(
    "status", [s for s in ALL_STATES if s not in (Status.PROPOSED, Status.APPROVED)]
)
def test_placement_withdraw_refuses_once_started_or_ended(youth, slot, status):
    placement = make_placement(youth, slot, status)
    refused("invalid_state", lambda: placement_withdraw(placement=placement, actor=youth))


@pytest.mark.parametrize(("role", "allowed"), MATRIX_YOUTH_SIDE)
def test_placement_withdraw_permissions(proposed, actor_of, role, allowed):
    actor = actor_of(role)
    if allowed:
        placement_withdraw(placement=proposed, actor=actor)
        assert Placement.objects.get(pk=proposed.pk).status == Status.WITHDRAWN
    else:
        refused("forbidden", lambda: placement_withdraw(placement=proposed, actor=actor))


# --- start ----------------------------------------------------------------------------------------


def test_placement_start_on_its_start_date_schedules_weekly_check_ins(
    youth, slot, published, django_capture_on_commit_callbacks
):
    placement = make_placement(youth, slot, Status.APPROVED, start_date=TODAY)
    reminders_sync_placement(placement, now=NOW - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        placement_start(placement=placement)
    placement.refresh_from_db()
    assert placement.status == Status.ACTIVE
    assert placement.started_at == NOW
    # Fridays 14:00 local, four weeks ahead.
    assert [m.due_at for m in outbox(Kind.CHECKIN_PROMPT)] == [
        datetime(2026, 11, 27, 13, 0, tzinfo=UTC),
        datetime(2026, 12, 4, 13, 0, tzinfo=UTC),
        datetime(2026, 12, 11, 13, 0, tzinfo=UTC),
        datetime(2026, 12, 18, 13, 0, tzinfo=UTC),
    ]
    audit = AuditEntry.objects.get(action="placement.start")
    assert audit.actor_label == "system"
    assert [e.data["id"] for e in published if e.type == "placement.started"] == [placement.pk]


def test_placement_start_before_the_start_date_is_too_early(youth, slot):
    placement = make_placement(youth, slot, Status.APPROVED, start_date=TODAY + timedelta(days=1))
    refused("too_early", lambda: placement_start(placement=placement))


@pytest.mark.parametrize(
    ("now", "starts"),
    [
        (datetime(2026, 11, 29, 22, 59, tzinfo=UTC), False),  # Sunday 23:59 in Copenhagen
        (datetime(2026, 11, 29, 23, 0, tzinfo=UTC), True),  # Monday 00:00 in Copenhagen
    ],
)
def test_placement_start_uses_the_municipalitys_local_date(youth, slot, now, starts):
    placement = make_placement(youth, slot, Status.APPROVED, start_date=NEXT_MONDAY)
    if starts:
        assert placement_start(placement=placement, now=now).status == Status.ACTIVE
    else:
        refused("too_early", lambda: placement_start(placement=placement, now=now))


def test_placement_start_refuses_a_second_active_placement(youth, slot, company):
    make_placement(youth, f.SlotFactory(company=company), Status.ACTIVE)
    placement = make_placement(youth, slot, Status.APPROVED, start_date=TODAY)
    refused("conflict", lambda: placement_start(placement=placement))
    assert placement.status == Status.APPROVED


@pytest.mark.parametrize("status", [s for s in ALL_STATES if s != Status.APPROVED])
def test_placement_start_only_from_approved(youth, slot, status):
    placement = make_placement(youth, slot, status, start_date=TODAY)
    refused("invalid_state", lambda: placement_start(placement=placement))


@pytest.mark.parametrize(("role", "allowed"), MATRIX_STAFF_OR_SYSTEM)
def test_placement_start_permissions(youth, slot, actor_of, role, allowed):
    placement = make_placement(youth, slot, Status.APPROVED, start_date=TODAY)
    actor = actor_of(role)
    if allowed:
        placement_start(placement=placement, actor=actor)
        assert Placement.objects.get(pk=placement.pk).status == Status.ACTIVE
    else:
        refused("forbidden", lambda: placement_start(placement=placement, actor=actor))


def test_placements_start_due_starts_what_has_come_and_skips_the_rest(municipality, slot, company):
    def approved(start: date, youth=None) -> Placement:
        youth = youth or f.YouthFactory(municipality=municipality)
        return make_placement(youth, slot, Status.APPROVED, start_date=start)

    today = approved(TODAY)
    late = approved(TODAY - timedelta(days=2))
    future = approved(TODAY + timedelta(days=1))
    busy_youth = f.YouthFactory(municipality=municipality)
    make_placement(busy_youth, f.SlotFactory(company=company), Status.ACTIVE)
    busy = approved(TODAY, youth=busy_youth)

    assert placements_start_due() == 2
    states = dict(Placement.objects.values_list("pk", "status"))
    assert states[today.pk] == states[late.pk] == Status.ACTIVE
    assert states[future.pk] == states[busy.pk] == Status.APPROVED
    assert placements_start_due() == 0


# --- complete, end early --------------------------------------------------------------------------


def test_placement_complete_ends_an_active_placement_and_its_check_ins(youth, slot, consultant):
    placement = make_placement(youth, slot, Status.ACTIVE)
    reminders_sync_placement(placement)
    assert outbox(Kind.CHECKIN_PROMPT)
    placement_complete(placement=placement, actor=consultant.user)
    placement.refresh_from_db()
    assert placement.status == Status.COMPLETED
    assert placement.ended_at == NOW
    assert outbox(Kind.CHECKIN_PROMPT) == []
    assert AuditEntry.objects.filter(action="placement.complete", target_id=placement.pk).exists()


@pytest.mark.parametrize("status", [s for s in ALL_STATES if s != Status.ACTIVE])
def test_placement_complete_only_from_active(youth, slot, consultant, status):
    placement = make_placement(youth, slot, status)
    refused("invalid_state", lambda: placement_complete(placement=placement, actor=consultant.user))


@pytest.mark.parametrize(("role", "allowed"), MATRIX_STAFF_OR_SYSTEM)
def test_placement_complete_permissions(youth, slot, actor_of, role, allowed):
    placement = make_placement(youth, slot, Status.ACTIVE)
    actor = actor_of(role)
    if allowed:
        placement_complete(placement=placement, actor=actor)
        assert Placement.objects.get(pk=placement.pk).status == Status.COMPLETED
    else:
        refused("forbidden", lambda: placement_complete(placement=placement, actor=actor))


def test_placements_complete_due_completes_those_whose_end_has_passed(municipality, slot):
    def active(end: date | None) -> Placement:
        youth = f.YouthFactory(municipality=municipality)
        return make_placement(youth, slot, Status.ACTIVE, end_date=end)

    ended = active(TODAY - timedelta(days=1))
    ends_today = active(TODAY)
    open_ended = active(None)
    assert placements_complete_due() == 1
    states = dict(Placement.objects.values_list("pk", "status"))
    assert states[ended.pk] == Status.COMPLETED
    assert states[ends_today.pk] == states[open_ended.pk] == Status.ACTIVE


def test_placement_end_early_with_a_reason(
    youth, slot, published, django_capture_on_commit_callbacks
):
    placement = make_placement(youth, slot, Status.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        placement_end_early(placement=placement, actor=youth, reason="Jeg blev syg af stresset")
    placement.refresh_from_db()
    assert placement.status == Status.ENDED_EARLY
    assert placement.end_reason == "Jeg blev syg af stresset"
    assert placement.ended_at == NOW
    audit = AuditEntry.objects.get(action="placement.end_early")
    assert audit.actor_label == f"youth:{youth.pk}"
    assert [e.data["id"] for e in published if e.type == "placement.ended_early"] == [placement.pk]


def test_placement_end_early_requires_a_reason(youth, slot):
    placement = make_placement(youth, slot, Status.ACTIVE)
    refused(
        "reason_required",
        lambda: placement_end_early(placement=placement, actor=youth, reason=" "),
        field="reason",
    )


@pytest.mark.parametrize("status", [s for s in ALL_STATES if s != Status.ACTIVE])
def test_placement_end_early_only_from_active(youth, slot, status):
    placement = make_placement(youth, slot, status)
    refused(
        "invalid_state",
        lambda: placement_end_early(placement=placement, actor=youth, reason="Stop"),
    )


@pytest.mark.parametrize(("role", "allowed"), MATRIX_YOUTH_SIDE)
def test_placement_end_early_permissions(youth, slot, actor_of, role, allowed):
    placement = make_placement(youth, slot, Status.ACTIVE)
    actor = actor_of(role)
    if allowed:
        placement_end_early(placement=placement, actor=actor, reason="Stop")
        assert Placement.objects.get(pk=placement.pk).status == Status.ENDED_EARLY
    else:
        refused(
            "forbidden", lambda: placement_end_early(placement=placement, actor=actor, reason="S")
        )


# --- switch ---------------------------------------------------------------------------------------


@pytest.fixture
def switch_setup(youth, slot, municipality):
    """The youth is active at the bakery and another company accepted their interest."""
    current = make_placement(youth, slot, Status.ACTIVE)
    other_company = f.CompanyFactory(name="Cafeen")
    f.MembershipFactory(company=other_company, municipality=municipality)
    to_slot = f.SlotFactory(company=other_company, hours_min=8, hours_max=16)
    to_interest = f.AcceptedInterestFactory(youth=youth, slot=to_slot)
    return current, to_interest


def test_placement_switch_ends_the_current_one_and_proposes_the_next_keeping_history(
    youth, switch_setup, published, django_capture_on_commit_callbacks
):
    current, to_interest = switch_setup
    with django_capture_on_commit_callbacks(execute=True):
        new = placement_switch(
            placement=current,
            to_interest=to_interest,
            actor=youth,
            hours_per_week=8,
            start_date=NEXT_MONDAY,
        )
    current.refresh_from_db()
    assert current.status == Status.ENDED_EARLY
    assert current.end_reason == SWITCH_REASON
    assert current.ended_at == NOW
    assert new.status == Status.PROPOSED
    assert (new.previous, new.interest, new.slot) == (current, to_interest, to_interest.slot)
    assert new.hours_per_week == 8
    assert current.next == new
    assert list(Placement.objects.filter(youth=youth).order_by("pk")) == [current, new]
    switch = AuditEntry.objects.get(action="placement.switch")
    assert switch.data["from_placement_id"] == current.pk
    assert switch.data["to_placement_id"] == new.pk
    assert AuditEntry.objects.filter(action="placement.end_early", target_id=current.pk).exists()
    types = [e.type for e in published if e.type.startswith("placement.")]
    assert types == ["placement.ended_early", "placement.proposed"]


def test_placement_switch_is_atomic_when_the_new_proposal_is_invalid(
    youth, switch_setup, published, django_capture_on_commit_callbacks
):
    current, to_interest = switch_setup
    with django_capture_on_commit_callbacks(execute=True):
        refused(
            "hours_out_of_range",
            lambda: placement_switch(
                placement=current,
                to_interest=to_interest,
                actor=youth,
                hours_per_week=30,
                start_date=NEXT_MONDAY,
            ),
            field="hours_per_week",
        )
    assert current.status == Status.ACTIVE  # the caller's instance matches the database
    assert Placement.objects.get(pk=current.pk).status == Status.ACTIVE
    assert [e for e in published if e.type.startswith("placement.")] == []


@pytest.mark.parametrize(
    "status", [Interest.Status.PENDING, Interest.Status.DECLINED, Interest.Status.WITHDRAWN]
)
def test_placement_switch_needs_an_accepted_interest(youth, switch_setup, status):
    current, to_interest = switch_setup
    Interest.objects.filter(pk=to_interest.pk).update(status=status)
    refused(
        "invalid_state",
        lambda: placement_switch(
            placement=current,
            to_interest=to_interest,
            actor=youth,
            hours_per_week=10,
            start_date=NEXT_MONDAY,
        ),
    )


@pytest.mark.parametrize("status", [s for s in ALL_STATES if s != Status.ACTIVE])
def test_placement_switch_only_from_an_active_placement(youth, slot, switch_setup, status):
    _, to_interest = switch_setup
    Placement.objects.all().delete()
    current = make_placement(youth, slot, status)
    refused(
        "invalid_state",
        lambda: placement_switch(
            placement=current,
            to_interest=to_interest,
            actor=youth,
            hours_per_week=10,
            start_date=NEXT_MONDAY,
        ),
    )


def test_placement_switch_refuses_someone_elses_interest_and_the_same_slot(
    youth, slot, municipality, switch_setup
):
    current, to_interest = switch_setup
    stranger = f.AcceptedInterestFactory(
        youth=f.YouthFactory(municipality=municipality), slot=to_interest.slot
    )
    kwargs = {"actor": youth, "hours_per_week": 10, "start_date": NEXT_MONDAY}
    refused(
        "not_found",
        lambda: placement_switch(placement=current, to_interest=stranger, **kwargs),
    )
    Interest.objects.filter(pk=to_interest.pk).update(status=Interest.Status.WITHDRAWN)
    same_slot = f.AcceptedInterestFactory(youth=youth, slot=slot)
    refused(
        "same_slot",
        lambda: placement_switch(placement=current, to_interest=same_slot, **kwargs),
        field="to_interest",
    )


@pytest.mark.parametrize(("role", "allowed"), MATRIX_YOUTH_SIDE)
def test_placement_switch_permissions(switch_setup, actor_of, role, allowed):
    current, to_interest = switch_setup
    actor = actor_of(role)

    def switch():
        return placement_switch(
            placement=current,
            to_interest=to_interest,
            actor=actor,
            hours_per_week=10,
            start_date=NEXT_MONDAY,
        )

    if allowed:
        assert switch().previous == current
    else:
        refused("forbidden", switch)


# --- selectors ------------------------------------------------------------------------------------


@pytest.fixture
def spread(youth, slot, other_youth, other_company, municipality):
    ours = make_placement(youth, slot)
    theirs = make_placement(other_youth, f.SlotFactory(company=other_company))
    neighbour = make_placement(f.YouthFactory(municipality=municipality), slot, Status.APPROVED)
    return {"ours": ours, "theirs": theirs, "neighbour": neighbour}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("own_company", {"ours", "neighbour"}),
        ("other_company", {"theirs"}),
        ("own_consultant", {"ours", "neighbour"}),
        ("other_consultant", {"theirs"}),
        ("admin", {"ours", "theirs", "neighbour"}),
        ("youth_self", set()),
        ("system", set()),
    ],
)
def test_placements_visible_to_user_are_scoped_by_role(spread, actor_of, role, expected):
    visible = set(placements_visible_to_user(user=actor_of(role)))
    assert visible == {spread[name] for name in expected}


def test_placement_get_for_user_answers_not_found_outside_the_scope(spread, actor_of):
    assert placement_get_for_user(user=actor_of("own_company"), placement_id=spread["ours"].pk)
    for role in ("own_company", "own_consultant", "youth_self"):
        with pytest.raises(DomainError) as info:
            placement_get_for_user(user=actor_of(role), placement_id=spread["theirs"].pk)
        assert info.value.code == "not_found"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("own_consultant", ["ours"]),
        ("other_consultant", ["theirs"]),
        ("admin", ["ours", "theirs"]),
        ("own_company", []),
        ("youth_self", []),
    ],
)
def test_placements_awaiting_approval_only_for_approvers(spread, actor_of, role, expected):
    waiting = list(placements_awaiting_approval(user=actor_of(role)))
    assert waiting == [spread[name] for name in expected]


def test_placements_of_youth_and_get_for_youth(spread, youth):
    assert list(placements_of_youth(youth=youth)) == [spread["ours"]]
    assert placement_get_for_youth(youth=youth, placement_id=spread["ours"].pk)
    with pytest.raises(DomainError) as info:
        placement_get_for_youth(youth=youth, placement_id=spread["neighbour"].pk)
    assert info.value.code == "not_found"


def test_placements_visible_to_user_is_one_query_however_many_rows(
    slot, municipality, consultant, django_assert_num_queries
):
    for _ in range(5):
        make_placement(f.YouthFactory(municipality=municipality), slot)
    user = consultant.user
    with django_assert_num_queries(1):
        rows = [
            (p.youth.municipality.name, p.slot.company.name, p.slot.sector.code, p.interest)
            for p in placements_visible_to_user(user=user)
        ]
    assert len(rows) == 5
