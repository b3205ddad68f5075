"""Group meetings: moving and cancelling (reminders follow), attendance, "I can't come"."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import Attendance, AuditEntry, Meeting, OutboxMessage, Youth
from domain.services.meetings import (
    attendance_excuse,
    attendance_record,
    meeting_cancel,
    meeting_move,
)
from domain.services.reminders import reminders_sync_meeting
from tests import factories as f
from tests import helpers

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # Sunday 10:00 in Copenhagen
STARTS = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # Wednesday 17:00 in Copenhagen
Kind = OutboxMessage.Kind
A = Attendance.Status


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def group(municipality, consultant):
    group = f.GroupFactory(municipality=municipality)
    group.facilitators.set([consultant])
    return group


@pytest.fixture
def members(group, youth):
    youth.group = group
    youth.save(update_fields=["group"])
    return [youth, *f.YouthFactory.create_batch(2, municipality=group.municipality, group=group)]


@pytest.fixture
def meeting(group, members):
    meeting = f.MeetingFactory(group=group, starts_at=STARTS, place="Ungehuset")
    reminders_sync_meeting(meeting)
    return meeting


MODELS = (
    Meeting,
    Attendance,
    (OutboxMessage, "pk", "status", "due_at", "dedupe_key"),
    (AuditEntry, "pk"),
)
snapshot = partial(helpers.snapshot, *MODELS)


def reminders(meeting, **filters):
    return OutboxMessage.objects.filter(
        OutboxMessage.subject_filter(meeting), kind=Kind.MEETING_REMINDER, **filters
    )


# --- move ---------------------------------------------------------------------------------------


def test_meeting_move_re_times_reminders_and_tells_every_member(
    meeting, members, consultant, published, django_capture_on_commit_callbacks
):
    before = sorted(reminders(meeting, status="pending").values_list("due_at", flat=True))
    assert len(before) == 6  # three members, the day before at 17:00 and two hours before
    total = reminders(meeting).count()

    new_start = STARTS + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_move(
            meeting=meeting, actor=consultant.user, starts_at=new_start, place="Biblioteket"
        )

    after = sorted(reminders(meeting, status="pending").values_list("due_at", flat=True))
    assert after == [d + timedelta(days=1) for d in before]
    assert after != before
    # New rows for the new time (a reminder already sent for the old time must not stop the
    # one for the new time); the old pending ones are cancelled.
    assert reminders(meeting).count() == 2 * total
    assert reminders(meeting, status="cancelled").count() == total
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at, meeting.moved_from, meeting.place) == (
        new_start,
        new_start + timedelta(hours=2),
        STARTS,
        "Biblioteket",
    )
    moved = OutboxMessage.objects.filter(kind=Kind.MEETING_MOVED)
    assert sorted(moved.values_list("recipient_id", flat=True)) == sorted(y.pk for y in members)
    payload = moved.first().payload
    assert (payload["old_starts_at"], payload["starts_at"]) == (
        STARTS.isoformat(),
        new_start.isoformat(),
    )
    assert (payload["old_place"], payload["place"]) == ("Ungehuset", "Biblioteket")
    assert [e.type for e in published if e.type.startswith("meeting.")] == ["meeting.moved"]
    assert AuditEntry.objects.get(action="meeting.move").target_id == meeting.pk


def test_meeting_moved_twice_remembers_the_original_time_and_tells_once_while_untold(
    meeting, members, consultant
):
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=STARTS + timedelta(days=1))
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=STARTS + timedelta(days=2))
    meeting.refresh_from_db()
    assert meeting.moved_from == STARTS
    moved = OutboxMessage.objects.filter(kind=Kind.MEETING_MOVED)
    # The first message had not gone out: it is withdrawn, the second one tells the whole move.
    assert moved.filter(status="cancelled").count() == len(members)
    assert moved.filter(status="pending").count() == len(members)
    assert {m.payload["old_starts_at"] for m in moved.filter(status="pending")} == {
        STARTS.isoformat()
    }
    assert reminders(meeting, status="pending").count() == 6


def test_meeting_move_to_the_same_time_changes_nothing(meeting, consultant):
    before = snapshot()
    meeting_move(meeting=meeting, actor=consultant.user, starts_at=STARTS)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"starts_at": NOW - timedelta(minutes=1)}, "starts_in_past", "starts_at"),
        ({"starts_at": datetime(2026, 12, 1, 17, 0)}, "invalid_datetime", "starts_at"),
        (
            {"starts_at": STARTS + timedelta(days=1), "ends_at": STARTS},
            "ends_before_start",
            "ends_at",
        ),
        ({"starts_at": STARTS, "place": " "}, "required", "place"),
    ],
)
def test_meeting_move_refuses_bad_input(meeting, consultant, kwargs, code, field):
    before = snapshot()
    with pytest.raises(DomainError) as err:
        meeting_move(meeting=meeting, actor=consultant.user, **kwargs)
    assert (err.value.code, err.value.field) == (code, field)
    assert snapshot() == before


def test_meeting_move_refuses_a_cancelled_or_started_meeting(meeting, consultant):
    before = snapshot()
    with pytest.raises(DomainError) as err:
        meeting_move(
            meeting=meeting,
            actor=consultant.user,
            starts_at=STARTS + timedelta(days=1),
            now=STARTS,
        )
    assert err.value.code == "meeting_started"
    assert snapshot() == before

    meeting_cancel(meeting=meeting, actor=consultant.user)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        meeting_move(meeting=meeting, actor=consultant.user, starts_at=STARTS + timedelta(days=1))
    assert err.value.code == "invalid_state"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_user", True),
        ("consultant", True),
        ("system", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
def test_meeting_move_permissions(request, meeting, who, allowed):
    actor = helpers.actor(request, who)
    new_start = STARTS + timedelta(hours=1)
    if allowed:
        assert (
            meeting_move(meeting=meeting, actor=actor, starts_at=new_start).starts_at == new_start
        )
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            meeting_move(meeting=meeting, actor=actor, starts_at=new_start)
        assert err.value.code == "forbidden"
        assert snapshot() == before


# --- cancel -------------------------------------------------------------------------------------


def test_meeting_cancel_cancels_reminders_and_tells_every_member(
    meeting, members, consultant, published, django_capture_on_commit_callbacks
):
    assert reminders(meeting, status="pending").count() == 6
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, actor=consultant.user, reason="Sygdom")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "Sygdom")
    assert not reminders(meeting, status="pending").exists()
    assert reminders(meeting, status="cancelled").count() == 6
    told = OutboxMessage.objects.filter(kind=Kind.MEETING_CANCELLED)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(y.pk for y in members)
    assert {m.payload["reason"] for m in told} == {"Sygdom"}
    assert {m.dedupe_key for m in told} == {
        f"meeting_cancelled:{meeting.pk}:y{y.pk}" for y in members
    }
    assert [e.type for e in published if e.type.startswith("meeting.")] == ["meeting.cancelled"]
    assert AuditEntry.objects.get(action="meeting.cancel").data == {"has_reason": True}


def test_meeting_cancel_twice_is_invalid_state(meeting, consultant):
    meeting_cancel(meeting=meeting, actor=consultant.user)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        meeting_cancel(meeting=meeting, actor=consultant.user)
    assert err.value.code == "invalid_state"
    assert snapshot() == before


def test_meeting_cancel_refuses_a_started_meeting_and_a_long_reason(meeting, consultant):
    for kwargs, code in [({"now": STARTS}, "meeting_started"), ({"reason": "x" * 301}, "too_long")]:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            meeting_cancel(meeting=meeting, actor=consultant.user, **kwargs)
        assert err.value.code == code
        assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_user", True),
        ("consultant", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
def test_meeting_cancel_permissions(request, meeting, who, allowed):
    actor = helpers.actor(request, who)
    if allowed:
        assert meeting_cancel(meeting=meeting, actor=actor).status == "cancelled"
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            meeting_cancel(meeting=meeting, actor=actor)
        assert err.value.code == "forbidden"
        assert snapshot() == before


# --- attendance ---------------------------------------------------------------------------------


def test_attendance_record_upserts_one_row_per_youth(
    meeting, youth, consultant, published, django_capture_on_commit_callbacks
):
    during = STARTS + timedelta(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        first = attendance_record(
            meeting=meeting, youth=youth, status=A.PRESENT, actor=consultant.user, now=during
        )
    second = attendance_record(
        meeting=meeting, youth=youth, status=A.ABSENT, actor=consultant.user, now=during
    )
    assert first.pk == second.pk
    row = Attendance.objects.get()
    assert (row.status, row.recorded_at) == ("absent", during)
    assert [e.data["status"] for e in published if e.type == "attendance.recorded"] == ["present"]
    assert AuditEntry.objects.filter(action="attendance.record").count() == 2


def test_attendance_after_the_meeting_is_history_even_for_a_youth_who_changed_group(
    meeting, members, consultant
):
    moved_on = members[0]
    Youth.objects.filter(pk=moved_on.pk).update(group=None)
    row = attendance_record(
        meeting=meeting,
        youth=moved_on,
        status=A.PRESENT,
        actor=consultant.user,
        now=STARTS + timedelta(hours=3),
    )
    assert row.status == A.PRESENT


def test_every_move_is_told_even_back_to_an_earlier_time_or_to_a_new_place_only(
    meeting, members, consultant
):
    later = STARTS + timedelta(hours=1)
    steps = [(later, None), (STARTS, None), (later, None), (later, "Nyt sted")]
    for minute, (starts_at, place) in enumerate(steps):
        meeting_move(
            meeting=meeting,
            actor=consultant.user,
            starts_at=starts_at,
            place=place,
            now=NOW + timedelta(minutes=minute),
        )
        # The worker sends each message before the next move (an untold one is replaced).
        OutboxMessage.objects.filter(kind=Kind.MEETING_MOVED, status="pending").update(
            status="sent"
        )
    moved = OutboxMessage.objects.filter(kind=Kind.MEETING_MOVED, recipient=members[0])
    assert moved.count() == len(steps)
    assert moved.order_by("pk").last().payload["place"] == "Nyt sted"


def test_attendance_record_excused_ahead_stops_that_youths_reminders(meeting, members, consultant):
    excused, *others = members
    attendance_record(meeting=meeting, youth=excused, status=A.EXCUSED, actor=consultant.user)
    assert not reminders(meeting, status="pending", recipient=excused).exists()
    assert reminders(meeting, status="pending").count() == 2 * len(others)


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("present_before_start", "meeting_not_started"),
        ("not_member", "not_member"),
        ("other_municipality", "not_found"),
        ("bad_status", "invalid_status"),
        ("cancelled_meeting", "invalid_state"),
    ],
)
def test_attendance_record_refusals(meeting, youth, other_youth, consultant, case, code):
    who, status, now = youth, A.PRESENT, STARTS + timedelta(minutes=5)
    if case == "present_before_start":
        now = NOW
    elif case == "not_member":  # before the meeting only today's members count
        who, status, now = f.YouthFactory(municipality=meeting.group.municipality), A.EXCUSED, NOW
    elif case == "other_municipality":
        who = other_youth
    elif case == "bad_status":
        status = "late"
    elif case == "cancelled_meeting":
        Meeting.objects.filter(pk=meeting.pk).update(status="cancelled")
    before = snapshot()
    with pytest.raises(DomainError) as err:
        attendance_record(meeting=meeting, youth=who, status=status, actor=consultant.user, now=now)
    assert err.value.code == code
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_user", True),
        ("consultant", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
def test_attendance_record_permissions(request, meeting, youth, who, allowed):
    actor = helpers.actor(request, who)
    during = STARTS + timedelta(minutes=5)
    if allowed:
        row = attendance_record(
            meeting=meeting, youth=youth, status=A.PRESENT, actor=actor, now=during
        )
        assert row.status == "present"
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            attendance_record(
                meeting=meeting, youth=youth, status=A.PRESENT, actor=actor, now=during
            )
        assert err.value.code == "forbidden"
        assert snapshot() == before


# --- "I can't come" -----------------------------------------------------------------------------


def test_attendance_excuse_from_the_bot_stops_reminders_and_tells_the_facilitator(
    meeting, members, consultant, published, django_capture_on_commit_callbacks
):
    youth, *others = members
    with django_capture_on_commit_callbacks(execute=True):
        row = attendance_excuse(meeting=meeting, youth=youth, actor=youth)
    assert (row.status, row.recorded_at) == ("excused", NOW)
    assert not reminders(meeting, status="pending", recipient=youth).exists()
    for other in others:
        assert reminders(meeting, status="pending", recipient=other).count() == 2
    assert [(e.type, e.data) for e in published if e.type != "outbox.enqueued"] == [
        (
            "attendance.recorded",
            {
                "id": row.pk,
                "meeting_id": meeting.pk,
                "group_id": meeting.group_id,
                "municipality_id": meeting.group.municipality_id,
                "youth_id": youth.pk,
                "status": "excused",
                "facilitator_ids": [consultant.pk],
            },
        )
    ]


def test_attendance_excuse_twice_changes_nothing(
    meeting, youth, published, django_capture_on_commit_callbacks
):
    first = attendance_excuse(meeting=meeting, youth=youth, actor=youth)
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        again = attendance_excuse(meeting=meeting, youth=youth, actor=youth)
    assert again.pk == first.pk
    assert snapshot() == before
    assert published == []


def test_attendance_excuse_refuses_once_the_meeting_started(meeting, youth):
    before = snapshot()
    with pytest.raises(DomainError) as err:
        attendance_excuse(meeting=meeting, youth=youth, actor=youth, now=STARTS)
    assert err.value.code == "meeting_started"
    assert snapshot() == before


def test_attendance_excuse_refuses_a_cancelled_meeting(meeting, youth, consultant):
    meeting_cancel(meeting=meeting, actor=consultant.user)
    before = snapshot()
    with pytest.raises(DomainError) as err:
        attendance_excuse(meeting=meeting, youth=youth, actor=youth)
    assert err.value.code == "invalid_state"
    assert snapshot() == before


def test_attendance_excuse_for_another_groups_meeting_is_not_found(meeting, municipality):
    outsider = f.YouthFactory(
        municipality=municipality, group=f.GroupFactory(municipality=municipality)
    )
    with pytest.raises(DomainError) as err:
        attendance_excuse(meeting=meeting, youth=outsider, actor=outsider)
    assert err.value.code == "not_found"
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("youth", True),
        ("consultant", True),
        ("admin_user", True),
        ("fellow_member", False),
        ("other_consultant", False),
        ("company_member", False),
        ("other_youth", False),
    ],
)
def test_attendance_excuse_permissions(request, meeting, members, who, allowed):
    youth = members[0]
    actor = members[1] if who == "fellow_member" else helpers.actor(request, who)
    if allowed:
        assert attendance_excuse(meeting=meeting, youth=youth, actor=actor).status == "excused"
    else:
        before = snapshot()
        with pytest.raises(DomainError) as err:
            attendance_excuse(meeting=meeting, youth=youth, actor=actor)
        assert err.value.code == "forbidden"
        assert snapshot() == before
