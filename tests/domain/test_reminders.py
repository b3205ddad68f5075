"""Reminder rules: the right local time (DST-correct), re-timing, cancelling, idempotency."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.models import Attendance, Interest, Meeting, OutboxMessage, Placement, YouthSignup
from domain.services.reminders import (
    reminders_sync_interest,
    reminders_sync_meeting,
    reminders_sync_placement,
    reminders_sync_signup,
    reminders_sync_youth,
)
from domain.timeutils import to_local
from tests import factories as f

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
CPH = "Europe/Copenhagen"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def pending(kind=None):
    rows = OutboxMessage.objects.filter(status=Status.PENDING).order_by("due_at")
    return list(rows.filter(kind=kind) if kind else rows)


@pytest.fixture
def group(municipality, youth):
    group = f.GroupFactory(municipality=municipality)
    youth.group = group
    youth.save(update_fields=["group"])
    return group


@pytest.mark.parametrize(
    ("starts_at", "now", "expected_local"),
    [
        # Monday after the October change (25 Oct 2026): reminder Sunday 17:00 CET = 16:00Z.
        (
            utc(2026, 10, 26, 9, 0),
            utc(2026, 10, 20, 9, 0),
            ["2026-10-25 17:00", "2026-10-26 08:00"],
        ),
        # Monday after the March change (28 Mar 2027): reminder Sunday 17:00 CEST = 15:00Z.
        (utc(2027, 3, 29, 8, 0), utc(2027, 3, 20, 9, 0), ["2027-03-28 17:00", "2027-03-29 08:00"]),
    ],
)
def test_meeting_reminders_fall_at_local_times_across_dst(
    group, youth, starts_at, now, expected_local
):
    meeting = f.MeetingFactory(group=group, starts_at=starts_at)
    reminders_sync_meeting(meeting, now=now)
    rows = pending(Kind.MEETING_REMINDER)
    assert [to_local(r.due_at, CPH).strftime("%Y-%m-%d %H:%M") for r in rows] == expected_local
    assert all(r.recipient == youth and r.expires_at == starts_at for r in rows)


def test_meeting_sync_twice_creates_nothing_twice(group):
    meeting = f.MeetingFactory(group=group, starts_at=utc(2026, 12, 2, 15, 0))
    now = utc(2026, 11, 25, 9, 0)
    reminders_sync_meeting(meeting, now=now)
    reminders_sync_meeting(meeting, now=now)
    assert OutboxMessage.objects.count() == 2


def test_moving_a_meeting_retimes_its_reminders_and_cancelling_cancels_them(group):
    meeting = f.MeetingFactory(group=group, starts_at=utc(2026, 12, 2, 15, 0))
    now = utc(2026, 11, 25, 9, 0)
    reminders_sync_meeting(meeting, now=now)
    before = {r.dedupe_key: r.due_at for r in pending()}

    meeting.starts_at += timedelta(days=1)
    meeting.ends_at += timedelta(days=1)
    reminders_sync_meeting(meeting, now=now)
    after = {r.dedupe_key: r.due_at for r in pending()}
    # New keys for the new time; the old rows are cancelled, none is left pending twice.
    assert len(after) == len(before)
    assert sorted(after.values()) == sorted(d + timedelta(days=1) for d in before.values())
    assert OutboxMessage.objects.filter(dedupe_key__in=before, status=Status.CANCELLED).count() == 2

    meeting.status = Meeting.Status.CANCELLED
    reminders_sync_meeting(meeting, now=now)
    assert pending() == []
    assert OutboxMessage.objects.filter(status=Status.CANCELLED).count() == 4  # old and new times


def test_an_excused_youth_gets_no_reminders_for_that_meeting(group, youth):
    meeting = f.MeetingFactory(group=group, starts_at=utc(2026, 12, 2, 15, 0))
    Attendance.objects.create(
        meeting=meeting,
        youth=youth,
        status=Attendance.Status.EXCUSED,
        recorded_at=utc(2026, 11, 25),
    )
    reminders_sync_meeting(meeting, now=utc(2026, 11, 25, 9, 0))
    assert pending() == []


def test_leaving_the_group_or_turning_reminders_off_stops_reminders(group, youth, municipality):
    stays = f.YouthFactory(municipality=municipality, group=group)
    meeting = f.MeetingFactory(group=group, starts_at=utc(2026, 12, 2, 15, 0))
    now = utc(2026, 11, 25, 9, 0)
    reminders_sync_meeting(meeting, now=now)
    assert len(pending()) == 4

    youth.group = None
    youth.save(update_fields=["group"])
    reminders_sync_youth(youth, now=now)
    assert {r.recipient for r in pending()} == {stays}

    stays.reminders_enabled = False
    stays.save(update_fields=["reminders_enabled"])
    reminders_sync_youth(stays, now=now)
    assert pending() == []


def test_municipality_can_override_the_lead_times(group, municipality):
    municipality.reminder_settings = {"meeting": [{"hours_before": 3}]}
    municipality.save(update_fields=["reminder_settings"])
    meeting = f.MeetingFactory(group=group, starts_at=utc(2026, 12, 2, 15, 0))
    reminders_sync_meeting(meeting, now=utc(2026, 11, 25, 9, 0))
    assert [r.due_at for r in pending()] == [utc(2026, 12, 2, 12, 0)]


def test_event_reminders_only_for_confirmed_signups(youth, municipality):
    event = f.EventFactory(municipality=municipality, starts_at=utc(2026, 12, 10, 13, 0))
    now = utc(2026, 11, 25, 9, 0)
    signup = YouthSignup.objects.create(
        event=event, youth=youth, status=YouthSignup.Status.WAITLISTED, sequence=1, created_at=now
    )
    reminders_sync_signup(signup, now=now)
    assert pending() == []
    signup.status = YouthSignup.Status.CONFIRMED
    reminders_sync_signup(signup, now=now)
    assert [to_local(r.due_at, CPH).strftime("%d %H:%M") for r in pending()] == [
        "09 17:00",
        "10 12:00",
    ]
    signup.status = YouthSignup.Status.CANCELLED
    reminders_sync_signup(signup, now=now)
    assert pending() == []


def test_intro_meeting_reminders_follow_the_accepted_interest(youth, slot):
    now = utc(2026, 11, 25, 9, 0)
    interest = f.InterestFactory(
        youth=youth,
        slot=slot,
        status=Interest.Status.ACCEPTED,
        intro_meeting_at=utc(2026, 11, 27, 13, 0),
        intro_meeting_place="Butikken",
    )
    reminders_sync_interest(interest, now=now)
    assert [r.due_at for r in pending(Kind.INTRO_REMINDER)] == [
        utc(2026, 11, 26, 16, 0),
        utc(2026, 11, 27, 11, 0),
    ]
    interest.status = Interest.Status.WITHDRAWN
    reminders_sync_interest(interest, now=now)
    assert pending() == []


def test_placement_start_reminder_then_weekly_checkins_on_friday_afternoon(youth, slot):
    now = utc(2026, 11, 25, 9, 0)  # a Wednesday
    placement = f.PlacementFactory(
        youth=youth, slot=slot, status=Placement.Status.APPROVED, start_date=date(2026, 11, 30)
    )
    reminders_sync_placement(placement, now=now)
    assert [to_local(r.due_at, CPH).strftime("%Y-%m-%d %H:%M") for r in pending()] == [
        "2026-11-29 17:00"
    ]

    placement.status = Placement.Status.ACTIVE
    placement.end_date = date(2026, 12, 16)
    reminders_sync_placement(placement, now=utc(2026, 11, 30, 9, 0))
    assert pending(Kind.PLACEMENT_START_REMINDER) == []
    fridays = [to_local(r.due_at, CPH) for r in pending(Kind.CHECKIN_PROMPT)]
    assert [d.strftime("%Y-%m-%d %H:%M") for d in fridays] == [
        "2026-12-04 14:00",
        "2026-12-11 14:00",
    ]

    placement.status = Placement.Status.COMPLETED
    reminders_sync_placement(placement, now=utc(2026, 11, 30, 9, 0))
    assert pending() == []


def test_no_checkin_prompt_in_a_week_the_youth_already_checked_in(youth, slot):
    from domain.services.checkins import checkin_submit

    placement = f.PlacementFactory(
        youth=youth, slot=slot, status=Placement.Status.ACTIVE, start_date=date(2026, 11, 30)
    )
    monday = utc(2026, 11, 30, 9, 0)
    reminders_sync_placement(placement, now=monday)
    assert to_local(pending(Kind.CHECKIN_PROMPT)[0].due_at, CPH).date() == date(2026, 12, 4)

    checkin_submit(placement=placement, actor=youth, score=4, now=utc(2026, 12, 2, 12, 0))
    due = [to_local(r.due_at, CPH).date() for r in pending(Kind.CHECKIN_PROMPT)]
    assert date(2026, 12, 4) not in due
    assert due[0] == date(2026, 12, 11)


def test_a_meeting_moved_after_its_reminder_was_sent_gets_a_reminder_for_the_new_day(group):
    meeting = f.MeetingFactory(group=group, starts_at=utc(2026, 12, 2, 15, 0))
    reminders_sync_meeting(meeting, now=utc(2026, 11, 25, 9, 0))
    OutboxMessage.objects.filter(dedupe_key__endswith="d1@17:00").update(status=Status.SENT)

    meeting.starts_at = utc(2026, 12, 9, 15, 0)
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    reminders_sync_meeting(meeting, now=utc(2026, 12, 1, 17, 0))

    due = [to_local(r.due_at, CPH).strftime("%m-%d %H:%M") for r in pending()]
    assert due == ["12-08 17:00", "12-09 14:00"]


def test_housekeeping_keeps_weekly_checkin_prompts_coming_for_the_whole_placement(youth, slot):
    from domain.services.reminders import reminders_sync_active_placements

    placement = f.PlacementFactory(
        youth=youth,
        slot=slot,
        status=Placement.Status.ACTIVE,
        start_date=date(2026, 11, 2),
        end_date=date(2027, 3, 1),
    )
    reminders_sync_placement(placement, now=utc(2026, 11, 2, 9, 0))
    assert reminders_sync_active_placements(now=utc(2027, 1, 4, 9, 0)) == 1
    fridays = [to_local(r.due_at, CPH).date() for r in pending(Kind.CHECKIN_PROMPT)]
    assert date(2027, 1, 8) in fridays
    assert date(2027, 1, 29) in fridays


def test_linking_through_an_invite_brings_reminders_for_meetings_already_planned(
    municipality, consultant
):
    from domain.services.invites import invite_create, invite_redeem

    youth = f.InvitedYouthFactory(municipality=municipality)
    group = f.GroupFactory(municipality=municipality)
    youth.group = group
    youth.save(update_fields=["group"])
    meeting = f.MeetingFactory(group=group, starts_at=utc(2026, 12, 2, 15, 0))
    now = utc(2026, 11, 25, 9, 0)
    reminders_sync_meeting(meeting, now=now)
    assert pending() == []

    issued = invite_create(youth=youth, actor=consultant.user, now=now)
    invite_redeem(
        token=issued.token,
        telegram_user_id=555,
        telegram_chat_id=555,
        consent_version="2026-1",
        now=now,
    )
    assert [r.recipient_id for r in pending(Kind.MEETING_REMINDER)] == [youth.pk, youth.pk]
