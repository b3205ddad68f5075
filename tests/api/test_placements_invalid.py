"""Invalid input for every interests, placements and notes write endpoint: wrong types,
missing fields, out-of-range hours, oversize text, unknown ids and transitions from the wrong
state → 400/404/409 with a clear message, and nothing changed in the database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from domain.models import Interest, Placement, Slot
from tests import factories as f
from tests.api.b_world import assert_refused_and_unchanged, expand_invalid

INTERESTS, P = "/api/v1/interests", "/api/v1/placements"
CX, MA = "consultant_x", "member_a"


def soon(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def interest(bw, world):
    return f"{INTERESTS}/{bw.x.interest.pk}/"


def accepted(bw, world):
    return f"{INTERESTS}/{bw.x.accepted.pk}/"


def interest_in(state: str):
    def path(bw, world):
        row = f.InterestFactory(youth=bw.x.youth2, slot=bw.x.slots[2], status=state)
        return f"{INTERESTS}/{row.pk}/"

    return path


def placement(name: str):
    return lambda bw, world: f"{P}/{getattr(bw.x, name).pk}/"


def rejected(bw, world):
    row = f.PlacementFactory(
        youth=bw.x.youth2, slot=bw.x.slots[0], status=Placement.Status.REJECTED, reject_reason="x"
    )
    return f"{P}/{row.pk}/"


def full_slot_proposal(bw, world):
    slot = f.SlotFactory(company=world.company_a, seats=1)
    f.PlacementFactory(youth=bw.x.youth2, slot=slot, status=Placement.Status.APPROVED)
    row = f.PlacementFactory(youth=bw.x.youth3, slot=slot)
    return f"{P}/{row.pk}/"


def future_approved(bw, world):
    row = f.PlacementFactory(
        youth=bw.x.youth,
        slot=bw.x.slots[0],
        status=Placement.Status.APPROVED,
        start_date=timezone.localdate() + timedelta(days=10),
    )
    return f"{P}/{row.pk}/"


def terms(**override):
    def body(bw, world):
        data = {"interest": bw.x.accepted.pk, "hours_per_week": 15, "start_date": day(7)}
        data.update(override)
        return {k: v for k, v in data.items() if v is not ...}

    return body


def switch(**override):
    def body(bw, world):
        data = {"to_interest": bw.x.accepted.pk, "hours_per_week": 15, "start_date": day(1)}
        data.update(override)
        return {k: v for k, v in data.items() if v is not ...}

    return body


def new_interest(**override):
    def body(bw, world):
        data = {"youth": bw.x.youth2.pk, "slot": bw.x.slots[0].pk}
        data.update(override)
        return {k: v for k, v in data.items() if v is not ...}

    return body


ACCEPT = {"intro_meeting_at": soon(3), "intro_meeting_place": "Bageriet"}
PENDING, DECLINED, WITHDRAWN = (
    Interest.Status.PENDING,
    Interest.Status.DECLINED,
    Interest.Status.WITHDRAWN,
)

CASES = [
    # interests
    (
        "show-missing-slot",
        CX,
        "post",
        lambda b, w: f"{INTERESTS}/",
        new_interest(slot=...),
        400,
        "invalid",
        "slot",
    ),
    (
        "show-youth-not-a-number",
        CX,
        "post",
        lambda b, w: f"{INTERESTS}/",
        new_interest(youth="Ung"),
        400,
        "invalid",
        "youth",
    ),
    (
        "show-unknown-slot",
        CX,
        "post",
        lambda b, w: f"{INTERESTS}/",
        new_interest(slot=999999),
        404,
        "not_found",
        "slot",
    ),
    (
        "show-foreign-slot",
        CX,
        "post",
        lambda b, w: f"{INTERESTS}/",
        lambda b, w: new_interest(slot=b.y.slots[0].pk)(b, w),
        404,
        "not_found",
        "slot",
    ),
    (
        "show-foreign-youth",
        CX,
        "post",
        lambda b, w: f"{INTERESTS}/",
        lambda b, w: new_interest(youth=b.y.youth.pk)(b, w),
        404,
        "not_found",
        "youth",
    ),
    (
        "show-message-too-long",
        CX,
        "post",
        lambda b, w: f"{INTERESTS}/",
        new_interest(message="m" * 501),
        400,
        "message_too_long",
        "message",
    ),
    (
        "show-twice",
        CX,
        "post",
        lambda b, w: f"{INTERESTS}/",
        lambda b, w: new_interest(youth=b.x.youth.pk)(b, w),
        409,
        "conflict",
        None,
    ),
    (
        "show-closed-slot",
        CX,
        "post",
        lambda b, w: f"{INTERESTS}/",
        lambda b, w: new_interest(
            slot=f.SlotFactory(company=w.company_a, status=Slot.Status.CLOSED).pk
        )(b, w),
        404,
        "not_found",
        None,
    ),
    (
        "accept-missing-time",
        MA,
        "post",
        lambda b, w: interest(b, w) + "accept/",
        {"intro_meeting_place": "Bageriet"},
        400,
        "invalid",
        "intro_meeting_at",
    ),
    (
        "accept-time-in-past",
        MA,
        "post",
        lambda b, w: interest(b, w) + "accept/",
        {**ACCEPT, "intro_meeting_at": soon(-1)},
        400,
        "intro_in_past",
        "intro_meeting_at",
    ),
    (
        "accept-blank-place",
        MA,
        "post",
        lambda b, w: interest(b, w) + "accept/",
        {**ACCEPT, "intro_meeting_place": ""},
        400,
        "place_required",
        "intro_meeting_place",
    ),
    (
        "accept-place-too-long",
        MA,
        "post",
        lambda b, w: interest(b, w) + "accept/",
        {**ACCEPT, "intro_meeting_place": "p" * 201},
        400,
        "place_too_long",
        "intro_meeting_place",
    ),
    (
        "accept-declined",
        MA,
        "post",
        lambda b, w: interest_in(DECLINED)(b, w) + "accept/",
        ACCEPT,
        409,
        "invalid_state",
        None,
    ),
    (
        "accept-unknown",
        MA,
        "post",
        lambda b, w: f"{INTERESTS}/999999/accept/",
        ACCEPT,
        404,
        "not_found",
        None,
    ),
    (
        "decline-reason-too-long",
        MA,
        "post",
        lambda b, w: interest(b, w) + "decline/",
        {"reason": "r" * 501},
        400,
        "reason_too_long",
        "reason",
    ),
    (
        "decline-withdrawn",
        MA,
        "post",
        lambda b, w: interest_in(WITHDRAWN)(b, w) + "decline/",
        None,
        409,
        "invalid_state",
        None,
    ),
    (
        "withdraw-withdrawn",
        CX,
        "post",
        lambda b, w: interest_in(WITHDRAWN)(b, w) + "withdraw/",
        None,
        409,
        "invalid_state",
        None,
    ),
    (
        "move-intro-pending",
        MA,
        "post",
        lambda b, w: interest(b, w) + "move-intro/",
        {"intro_meeting_at": soon(4)},
        409,
        "invalid_state",
        None,
    ),
    (
        "move-intro-not-a-datetime",
        MA,
        "post",
        lambda b, w: accepted(b, w) + "move-intro/",
        {"intro_meeting_at": 12},
        400,
        "invalid",
        "intro_meeting_at",
    ),
    # placements
    (
        "propose-hours-too-many",
        CX,
        "post",
        lambda b, w: f"{P}/",
        terms(hours_per_week=40),
        400,
        "hours_out_of_range",
        "hours_per_week",
    ),
    (
        "propose-hours-zero",
        CX,
        "post",
        lambda b, w: f"{P}/",
        terms(hours_per_week=0),
        400,
        "hours_out_of_range",
        "hours_per_week",
    ),
    (
        "propose-hours-not-a-number",
        CX,
        "post",
        lambda b, w: f"{P}/",
        terms(hours_per_week="ti"),
        400,
        "invalid",
        "hours_per_week",
    ),
    (
        "propose-missing-start",
        CX,
        "post",
        lambda b, w: f"{P}/",
        terms(start_date=...),
        400,
        "invalid",
        "start_date",
    ),
    (
        "propose-start-in-past",
        CX,
        "post",
        lambda b, w: f"{P}/",
        terms(start_date=day(-3)),
        400,
        "start_too_early",
        "start_date",
    ),
    (
        "propose-end-before-start",
        CX,
        "post",
        lambda b, w: f"{P}/",
        terms(end_date=day(2)),
        400,
        "end_before_start",
        "end_date",
    ),
    (
        "propose-unknown-interest",
        CX,
        "post",
        lambda b, w: f"{P}/",
        terms(interest=999999),
        404,
        "not_found",
        "interest",
    ),
    (
        "propose-from-pending-interest",
        CX,
        "post",
        lambda b, w: f"{P}/",
        lambda b, w: terms(interest=b.x.interest.pk)(b, w),
        409,
        "invalid_state",
        None,
    ),
    (
        "approve-rejected",
        CX,
        "post",
        lambda b, w: rejected(b, w) + "approve/",
        None,
        409,
        "invalid_state",
        None,
    ),
    (
        "approve-slot-full",
        CX,
        "post",
        lambda b, w: full_slot_proposal(b, w) + "approve/",
        None,
        409,
        "full",
        None,
    ),
    (
        "reject-without-reason",
        CX,
        "post",
        lambda b, w: placement("proposed")(b, w) + "reject/",
        {},
        400,
        "reason_required",
        "reason",
    ),
    (
        "reject-reason-too-long",
        CX,
        "post",
        lambda b, w: placement("proposed")(b, w) + "reject/",
        {"reason": "r" * 501},
        400,
        "reason_too_long",
        "reason",
    ),
    (
        "reject-active",
        CX,
        "post",
        lambda b, w: placement("active")(b, w) + "reject/",
        {"reason": "Nej"},
        409,
        "invalid_state",
        None,
    ),
    (
        "start-proposed",
        CX,
        "post",
        lambda b, w: placement("proposed")(b, w) + "start/",
        None,
        409,
        "invalid_state",
        None,
    ),
    (
        "start-before-its-date",
        CX,
        "post",
        lambda b, w: future_approved(b, w) + "start/",
        None,
        409,
        "too_early",
        None,
    ),
    (
        "complete-proposed",
        CX,
        "post",
        lambda b, w: placement("proposed")(b, w) + "complete/",
        None,
        409,
        "invalid_state",
        None,
    ),
    (
        "end-early-without-reason",
        CX,
        "post",
        lambda b, w: placement("active")(b, w) + "end-early/",
        {"reason": " "},
        400,
        "reason_required",
        "reason",
    ),
    (
        "end-early-approved",
        CX,
        "post",
        lambda b, w: placement("approved")(b, w) + "end-early/",
        {"reason": "Syg"},
        409,
        "invalid_state",
        None,
    ),
    (
        "switch-hours-out-of-range",
        CX,
        "post",
        lambda b, w: placement("active")(b, w) + "switch/",
        switch(hours_per_week=99),
        400,
        "hours_out_of_range",
        "hours_per_week",
    ),
    (
        "switch-unknown-interest",
        CX,
        "post",
        lambda b, w: placement("active")(b, w) + "switch/",
        switch(to_interest=999999),
        404,
        "not_found",
        "to_interest",
    ),
    (
        "switch-missing-interest",
        CX,
        "post",
        lambda b, w: placement("active")(b, w) + "switch/",
        switch(to_interest=...),
        400,
        "invalid",
        "to_interest",
    ),
    (
        "switch-from-proposed",
        CX,
        "post",
        lambda b, w: f"{P}/{f.PlacementFactory(youth=b.x.youth3, slot=b.x.slots[0]).pk}/switch/",
        switch(),
        409,
        "invalid_state",
        None,
    ),
    (
        "switch-to-another-youths-interest",
        CX,
        "post",
        lambda b, w: placement("active")(b, w) + "switch/",
        lambda b, w: switch(to_interest=b.x.interest.pk)(b, w),
        404,
        "not_found",
        None,
    ),
    # notes
    (
        "note-missing-text",
        CX,
        "post",
        lambda b, w: placement("proposed")(b, w) + "notes/",
        {},
        400,
        "invalid",
        "text",
    ),
    (
        "note-blank-text",
        CX,
        "post",
        lambda b, w: placement("proposed")(b, w) + "notes/",
        {"text": "   "},
        400,
        "text_required",
        "text",
    ),
    (
        "note-text-too-long",
        CX,
        "post",
        lambda b, w: placement("proposed")(b, w) + "notes/",
        {"text": "n" * 5001},
        400,
        "text_too_long",
        "text",
    ),
    (
        "note-flag-not-a-boolean",
        CX,
        "post",
        lambda b, w: placement("proposed")(b, w) + "notes/",
        {"text": "Ok", "met_workplace_contact": "maybe"},
        400,
        "invalid",
        "met_workplace_contact",
    ),
    (
        "note-unknown-placement",
        CX,
        "post",
        lambda b, w: f"{P}/999999/notes/",
        {"text": "Ok"},
        404,
        "not_found",
        None,
    ),
]


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "status", "code", "field"), expand_invalid(CASES)
)
def test_invalid_placement_input_is_refused_and_changes_nothing(
    bw, world, api_as, role, method, path, body, status, code, field
):
    assert_refused_and_unchanged(bw, world, api_as, role, method, path, body, status, code, field)
