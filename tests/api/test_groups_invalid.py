"""Invalid input for every groups, meetings and attendance write endpoint: wrong types,
missing fields, out-of-range values, oversize text, unknown ids and transitions from the
wrong state → 400/404/409 with a clear message, and nothing changed in the database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from domain.models import Meeting
from tests import factories as f
from tests.api.b_world import assert_refused_and_unchanged, expand_invalid

G, M = "/api/v1/groups", "/api/v1/meetings"
CX = "consultant_x"


def group(bw, world):
    return f"{G}/{bw.x.group.pk}/"


def meeting(bw, world):
    return f"{M}/{bw.x.meeting.pk}/"


def cancelled_meeting(bw, world):
    row = f.MeetingFactory(group=bw.x.group, status=Meeting.Status.CANCELLED)
    return f"{M}/{row.pk}/"


def inactive_group(bw, world):
    row = f.GroupFactory(municipality=world.x, is_active=False)
    return f"{G}/{row.pk}/"


def schedule(**override):
    def body(bw, world):
        data = {
            "weekday": 2,
            "start_time": "16:00",
            "place": "Ungehuset",
            "starts_on": timezone.localdate().isoformat(),
            **override,
        }
        return {k: v for k, v in data.items() if v is not ...}

    return body


def soon(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


CASES = [
    # groups
    ("create-missing-name", CX, "post", lambda b, w: f"{G}/", {}, 400, "invalid", "name"),
    (
        "create-blank-name",
        CX,
        "post",
        lambda b, w: f"{G}/",
        {"name": "  "},
        400,
        "required",
        "name",
    ),
    (
        "create-name-too-long",
        CX,
        "post",
        lambda b, w: f"{G}/",
        {"name": "g" * 101},
        400,
        "too_long",
        "name",
    ),
    (
        "create-duplicate-name",
        CX,
        "post",
        lambda b, w: f"{G}/",
        {"name": "Gruppe X"},
        409,
        "conflict",
        "name",
    ),
    (
        "create-facilitators-not-numbers",
        CX,
        "post",
        lambda b, w: f"{G}/",
        {"name": "Ny", "facilitator_ids": "1,2"},
        400,
        "invalid",
        "facilitator_ids",
    ),
    (
        "create-foreign-facilitator",
        CX,
        "post",
        lambda b, w: f"{G}/",
        lambda b, w: {"name": "Ny", "facilitator_ids": [w.consultant_y.pk]},
        400,
        "invalid_facilitators",
        "facilitator_ids",
    ),
    (
        "create-admin-without-municipality",
        "admin",
        "post",
        lambda b, w: f"{G}/",
        {"name": "Ny"},
        400,
        "required",
        "municipality",
    ),
    ("update-name-too-long", CX, "patch", group, {"name": "g" * 101}, 400, "too_long", "name"),
    ("update-name-wrong-type", CX, "patch", group, {"name": ["a"]}, 400, "invalid", "name"),
    (
        "update-unknown",
        CX,
        "patch",
        lambda b, w: f"{G}/999999/",
        {"name": "Ny"},
        404,
        "not_found",
        None,
    ),
    (
        "add-member-missing-youth",
        CX,
        "post",
        lambda b, w: group(b, w) + "add-member/",
        {},
        400,
        "invalid",
        "youth",
    ),
    (
        "add-member-unknown-youth",
        CX,
        "post",
        lambda b, w: group(b, w) + "add-member/",
        {"youth": 999999},
        404,
        "not_found",
        "youth",
    ),
    (
        "add-member-foreign-youth",
        CX,
        "post",
        lambda b, w: group(b, w) + "add-member/",
        lambda b, w: {"youth": b.y.youth.pk},
        404,
        "not_found",
        "youth",
    ),
    (
        "add-member-already-member",
        CX,
        "post",
        lambda b, w: group(b, w) + "add-member/",
        lambda b, w: {"youth": b.x.member.pk},
        409,
        "conflict",
        None,
    ),
    (
        "add-member-inactive-group",
        CX,
        "post",
        lambda b, w: inactive_group(b, w) + "add-member/",
        lambda b, w: {"youth": b.x.youth.pk},
        409,
        "invalid_state",
        None,
    ),
    (
        "remove-member-not-a-member",
        CX,
        "post",
        lambda b, w: group(b, w) + "remove-member/",
        lambda b, w: {"youth": b.x.youth.pk},
        409,
        "not_member",
        None,
    ),
    (
        "schedule-weekday-out-of-range",
        CX,
        "post",
        lambda b, w: group(b, w) + "schedules/",
        schedule(weekday=9),
        400,
        "invalid",
        "weekday",
    ),
    (
        "schedule-time-not-a-time",
        CX,
        "post",
        lambda b, w: group(b, w) + "schedules/",
        schedule(start_time="25:61"),
        400,
        "invalid",
        "start_time",
    ),
    (
        "schedule-duration-too-short",
        CX,
        "post",
        lambda b, w: group(b, w) + "schedules/",
        schedule(duration_minutes=5),
        400,
        "duration_out_of_range",
        "duration_minutes",
    ),
    (
        "schedule-duration-too-long",
        CX,
        "post",
        lambda b, w: group(b, w) + "schedules/",
        schedule(duration_minutes=100000),
        400,
        "duration_out_of_range",
        "duration_minutes",
    ),
    (
        "schedule-missing-place",
        CX,
        "post",
        lambda b, w: group(b, w) + "schedules/",
        schedule(place=...),
        400,
        "invalid",
        "place",
    ),
    (
        "schedule-place-too-long",
        CX,
        "post",
        lambda b, w: group(b, w) + "schedules/",
        schedule(place="p" * 201),
        400,
        "too_long",
        "place",
    ),
    (
        "schedule-ends-before-start",
        CX,
        "post",
        lambda b, w: group(b, w) + "schedules/",
        schedule(ends_on="2020-01-01"),
        400,
        "ends_before_start",
        "ends_on",
    ),
    (
        "schedule-inactive-group",
        CX,
        "post",
        lambda b, w: inactive_group(b, w) + "schedules/",
        schedule(),
        409,
        "invalid_state",
        None,
    ),
    (
        "deactivate-inactive",
        CX,
        "post",
        lambda b, w: inactive_group(b, w) + "deactivate/",
        None,
        409,
        "invalid_state",
        None,
    ),
    # meetings
    (
        "move-missing-start",
        CX,
        "post",
        lambda b, w: meeting(b, w) + "move/",
        {},
        400,
        "invalid",
        "starts_at",
    ),
    (
        "move-not-a-datetime",
        CX,
        "post",
        lambda b, w: meeting(b, w) + "move/",
        {"starts_at": "tomorrow"},
        400,
        "invalid",
        "starts_at",
    ),
    (
        "move-into-the-past",
        CX,
        "post",
        lambda b, w: meeting(b, w) + "move/",
        {"starts_at": soon(-1)},
        400,
        "starts_in_past",
        "starts_at",
    ),
    (
        "move-ends-before-start",
        CX,
        "post",
        lambda b, w: meeting(b, w) + "move/",
        {"starts_at": soon(5), "ends_at": soon(4)},
        400,
        "ends_before_start",
        "ends_at",
    ),
    (
        "move-place-too-long",
        CX,
        "post",
        lambda b, w: meeting(b, w) + "move/",
        {"starts_at": soon(5), "place": "p" * 201},
        400,
        "required",
        "place",
    ),
    (
        "move-cancelled",
        CX,
        "post",
        lambda b, w: cancelled_meeting(b, w) + "move/",
        {"starts_at": soon(5)},
        409,
        "invalid_state",
        None,
    ),
    (
        "move-unknown",
        CX,
        "post",
        lambda b, w: f"{M}/999999/move/",
        {"starts_at": soon(5)},
        404,
        "not_found",
        None,
    ),
    (
        "cancel-reason-too-long",
        CX,
        "post",
        lambda b, w: meeting(b, w) + "cancel/",
        {"reason": "r" * 301},
        400,
        "too_long",
        "reason",
    ),
    (
        "cancel-cancelled",
        CX,
        "post",
        lambda b, w: cancelled_meeting(b, w) + "cancel/",
        None,
        409,
        "invalid_state",
        None,
    ),
    # attendance
    (
        "attendance-unknown-status",
        CX,
        "post",
        lambda b, w: meeting(b, w) + "attendance/",
        lambda b, w: {"youth": b.x.member.pk, "status": "late"},
        400,
        "invalid",
        "status",
    ),
    (
        "attendance-missing-youth",
        CX,
        "post",
        lambda b, w: meeting(b, w) + "attendance/",
        {"status": "excused"},
        400,
        "invalid",
        "youth",
    ),
    (
        "attendance-unknown-youth",
        CX,
        "post",
        lambda b, w: meeting(b, w) + "attendance/",
        {"youth": 999999, "status": "excused"},
        404,
        "not_found",
        "youth",
    ),
    (
        "attendance-present-before-start",
        CX,
        "post",
        lambda b, w: meeting(b, w) + "attendance/",
        lambda b, w: {"youth": b.x.member.pk, "status": "present"},
        409,
        "meeting_not_started",
        None,
    ),
    (
        "attendance-not-a-member",
        CX,
        "post",
        lambda b, w: meeting(b, w) + "attendance/",
        lambda b, w: {"youth": b.x.youth.pk, "status": "excused"},
        409,
        "not_member",
        None,
    ),
    (
        "attendance-cancelled-meeting",
        CX,
        "post",
        lambda b, w: cancelled_meeting(b, w) + "attendance/",
        lambda b, w: {"youth": b.x.member.pk, "status": "excused"},
        409,
        "invalid_state",
        None,
    ),
]


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "status", "code", "field"), expand_invalid(CASES)
)
def test_invalid_group_input_is_refused_and_changes_nothing(
    bw, world, api_as, role, method, path, body, status, code, field
):
    assert_refused_and_unchanged(bw, world, api_as, role, method, path, body, status, code, field)
