"""Invalid input for every events write endpoint: wrong types, missing fields, out-of-range
seats, oversize text, unknown ids and transitions from the wrong state → 400/404/409 with a
clear message, and nothing changed in the database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from domain.models import MatchEvent
from domain.services.signups import youth_signup
from tests import factories as f
from tests.api.b_world import assert_refused_and_unchanged, expand_invalid

E = "/api/v1/events"


def new_event(**override):
    def body(bw, world):
        start = timezone.now() + timedelta(days=10)
        data = {
            "title": "Matchdag",
            "place": "Hallen",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=3)).isoformat(),
            "signup_deadline": (start - timedelta(days=1)).isoformat(),
            "youth_capacity": 20,
            "company_capacity": 8,
            **override,
        }
        return {k: v for k, v in data.items() if v is not ...}

    return body


def event_of(state: str, **kwargs):
    def path(bw, world):
        event = f.EventFactory(municipality=world.x, status=state, **kwargs)
        return f"{E}/{event.pk}/"

    return path


def two_signed_up(bw, world):
    event = f.EventFactory(municipality=world.x, youth_capacity=5)
    for youth in (bw.x.youth, bw.x.youth2):
        youth_signup(event=event, youth=youth, actor=None)
    return f"{E}/{event.pk}/"


def started(bw, world):
    return f"{E}/{bw.x.started_event.pk}/"


def x_event(bw, world):
    return f"{E}/{bw.x.event.pk}/"


def in_past(hours: int) -> str:
    return (timezone.now() - timedelta(hours=hours)).isoformat()


CX = "consultant_x"
COMPLETED, CANCELLED = MatchEvent.Status.COMPLETED, MatchEvent.Status.CANCELLED

CASES = [
    # create
    (
        "create-missing-title",
        CX,
        "post",
        lambda b, w: f"{E}/",
        new_event(title=...),
        400,
        "invalid",
        "title",
    ),
    (
        "create-capacity-not-a-number",
        CX,
        "post",
        lambda b, w: f"{E}/",
        new_event(youth_capacity="many"),
        400,
        "invalid",
        "youth_capacity",
    ),
    (
        "create-capacity-zero",
        CX,
        "post",
        lambda b, w: f"{E}/",
        new_event(youth_capacity=0),
        400,
        "capacity_out_of_range",
        "youth_capacity",
    ),
    (
        "create-capacity-huge",
        CX,
        "post",
        lambda b, w: f"{E}/",
        new_event(company_capacity=10**9),
        400,
        "capacity_out_of_range",
        "company_capacity",
    ),
    (
        "create-title-too-long",
        CX,
        "post",
        lambda b, w: f"{E}/",
        new_event(title="x" * 151),
        400,
        "too_long",
        "title",
    ),
    (
        "create-ends-before-start",
        CX,
        "post",
        lambda b, w: f"{E}/",
        new_event(ends_at=in_past(-1)),
        400,
        "ends_before_start",
        "ends_at",
    ),
    (
        "create-starts-in-past",
        CX,
        "post",
        lambda b, w: f"{E}/",
        new_event(starts_at=in_past(2), ends_at=in_past(1), signup_deadline=in_past(3)),
        400,
        "starts_in_past",
        "starts_at",
    ),
    (
        "create-not-a-date",
        CX,
        "post",
        lambda b, w: f"{E}/",
        new_event(starts_at="next friday"),
        400,
        "invalid",
        "starts_at",
    ),
    (
        "create-unknown-municipality",
        "admin",
        "post",
        lambda b, w: f"{E}/",
        new_event(municipality=999999),
        400,
        "invalid",
        "municipality",
    ),
    (
        "create-admin-without-municipality",
        "admin",
        "post",
        lambda b, w: f"{E}/",
        new_event(),
        400,
        "required",
        "municipality",
    ),
    (
        "create-cpr-number-in-text",
        CX,
        "post",
        lambda b, w: f"{E}/",
        new_event(description="Ring til 010203-1234"),
        400,
        "looks_like_cpr",
        "description",
    ),
    # update
    (
        "update-capacity-not-a-number",
        CX,
        "patch",
        x_event,
        {"youth_capacity": [1]},
        400,
        "invalid",
        "youth_capacity",
    ),
    (
        "update-capacity-zero",
        CX,
        "patch",
        x_event,
        {"youth_capacity": 0},
        400,
        "capacity_out_of_range",
        "youth_capacity",
    ),
    ("update-title-too-long", CX, "patch", x_event, {"title": "x" * 500}, 400, "too_long", "title"),
    (
        "update-completed",
        CX,
        "patch",
        event_of(COMPLETED),
        {"title": "Ny"},
        409,
        "invalid_state",
        None,
    ),
    ("update-started", CX, "patch", started, {"title": "Ny"}, 409, "event_started", None),
    (
        "update-unknown",
        CX,
        "patch",
        lambda b, w: f"{E}/999999/",
        {"title": "Ny"},
        404,
        "not_found",
        None,
    ),
    (
        "update-capacity-below-signups",
        CX,
        "patch",
        two_signed_up,
        {"youth_capacity": 1},
        409,
        "capacity_below_signups",
        "youth_capacity",
    ),
    # transitions
    (
        "publish-published",
        CX,
        "post",
        lambda b, w: x_event(b, w) + "publish/",
        None,
        409,
        "invalid_state",
        None,
    ),
    (
        "publish-unknown",
        CX,
        "post",
        lambda b, w: f"{E}/999999/publish/",
        None,
        404,
        "not_found",
        None,
    ),
    (
        "cancel-cancelled",
        CX,
        "post",
        lambda b, w: event_of(CANCELLED)(b, w) + "cancel/",
        None,
        409,
        "invalid_state",
        None,
    ),
    (
        "cancel-reason-not-text",
        CX,
        "post",
        lambda b, w: x_event(b, w) + "cancel/",
        {"reason": {"a": 1}},
        400,
        "invalid",
        "reason",
    ),
    (
        "complete-before-start",
        CX,
        "post",
        lambda b, w: x_event(b, w) + "complete/",
        None,
        409,
        "event_not_started",
        None,
    ),
    (
        "complete-draft",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.draft_event.pk}/complete/",
        None,
        409,
        "invalid_state",
        None,
    ),
    # company sign-ups
    (
        "company-signup-attendees-zero",
        "member_a",
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/company-signups/",
        {"attendees": 0},
        400,
        "attendees_out_of_range",
        "attendees",
    ),
    (
        "company-signup-attendees-too-many",
        "member_a",
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/company-signups/",
        {"attendees": 21},
        400,
        "attendees_out_of_range",
        "attendees",
    ),
    (
        "company-signup-attendees-not-a-number",
        "member_a",
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/company-signups/",
        {"attendees": "two"},
        400,
        "invalid",
        "attendees",
    ),
    (
        "company-signup-foreign-slot",
        "member_a",
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/company-signups/",
        lambda b, w: {"slot_ids": [b.y.slots[0].pk]},
        400,
        "invalid_slots",
        "slot_ids",
    ),
    (
        "company-signup-slot-ids-not-numbers",
        "member_a",
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/company-signups/",
        {"slot_ids": ["a"]},
        400,
        "invalid",
        "slot_ids.0",
    ),
    (
        "company-signup-twice",
        "member_a",
        "post",
        lambda b, w: f"{E}/{b.x.event.pk}/company-signups/",
        {},
        409,
        "conflict",
        None,
    ),
    (
        "company-signup-unknown-company",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/company-signups/",
        {"company": 999999},
        404,
        "not_found",
        "company",
    ),
    (
        "company-signup-staff-without-company",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/company-signups/",
        {},
        400,
        "required",
        "company",
    ),
    (
        "company-signup-draft-event",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.draft_event.pk}/company-signups/",
        lambda b, w: {"company": w.company_a.pk},
        409,
        "invalid_state",
        None,
    ),
    (
        "company-signup-deadline-passed",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.started_event.pk}/company-signups/",
        lambda b, w: {"company": w.company_a.pk},
        409,
        "deadline_passed",
        None,
    ),
    (
        "company-signup-cancel-unknown",
        "member_a",
        "post",
        lambda b, w: f"{E}/{b.x.event.pk}/company-signups/999999/cancel/",
        None,
        404,
        "not_found",
        None,
    ),
    (
        "company-signup-cancel-other-events",
        "member_a",
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/company-signups/{b.x.company_signup.pk}/cancel/",
        None,
        404,
        "not_found",
        None,
    ),
    # youth sign-ups
    (
        "youth-signup-missing-youth",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/youth-signups/",
        {},
        400,
        "invalid",
        "youth",
    ),
    (
        "youth-signup-youth-not-a-number",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/youth-signups/",
        {"youth": "Ung"},
        400,
        "invalid",
        "youth",
    ),
    (
        "youth-signup-unknown-youth",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/youth-signups/",
        {"youth": 999999},
        404,
        "not_found",
        "youth",
    ),
    (
        "youth-signup-foreign-youth",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.free_event.pk}/youth-signups/",
        lambda b, w: {"youth": b.y.youth.pk},
        404,
        "not_found",
        "youth",
    ),
    (
        "youth-signup-twice",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.event.pk}/youth-signups/",
        lambda b, w: {"youth": b.x.youth.pk},
        409,
        "conflict",
        None,
    ),
    (
        "youth-signup-deadline-passed",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.started_event.pk}/youth-signups/",
        lambda b, w: {"youth": b.x.youth2.pk},
        409,
        "deadline_passed",
        None,
    ),
    (
        "youth-signup-draft-event",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.draft_event.pk}/youth-signups/",
        lambda b, w: {"youth": b.x.youth2.pk},
        409,
        "invalid_state",
        None,
    ),
    (
        "youth-signup-cancel-after-start",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.started_event.pk}/youth-signups/{b.x.door_signup.pk}/cancel/",
        None,
        409,
        "event_started",
        None,
    ),
    (
        "youth-signup-cancel-unknown",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.event.pk}/youth-signups/999999/cancel/",
        None,
        404,
        "not_found",
        None,
    ),
    (
        "check-in-not-open-yet",
        CX,
        "post",
        lambda b, w: f"{E}/{b.x.event.pk}/youth-signups/{b.x.youth_signup.pk}/check-in/",
        None,
        409,
        "check_in_not_open",
        None,
    ),
]


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "status", "code", "field"), expand_invalid(CASES)
)
def test_invalid_event_input_is_refused_and_changes_nothing(
    bw, world, api_as, role, method, path, body, status, code, field
):
    assert_refused_and_unchanged(bw, world, api_as, role, method, path, body, status, code, field)


def test_checking_in_twice_is_a_conflict(bw, world, api_as):
    client = api_as(CX)
    path = f"{E}/{bw.x.started_event.pk}/youth-signups/{bw.x.door_signup.pk}/check-in/"
    assert client.post(path).json()["status"] == "attended"
    assert_refused_and_unchanged(
        bw, world, api_as, CX, "post", lambda b, w: path, None, 409, "conflict", None
    )


def test_messages_follow_accept_language(bw, api_as):
    client = api_as(CX)
    path = f"{E}/{bw.x.event.pk}/publish/"
    english = client.post(path, HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    danish = client.post(path, HTTP_ACCEPT_LANGUAGE="da").json()["message"]
    assert english == "Only a draft event can be published."
    assert danish == "Kun en matchdag, der er en kladde, kan offentliggøres."
