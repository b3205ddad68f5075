"""Pushed messages held by quiet hours: found for the page that caused them and the youth's
timeline, and re-timed when the municipality's quiet hours change, as reminders are."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from domain.models import Municipality, OutboxMessage
from domain.selectors.outbox import held_pushes_about, held_pushes_for_youth
from domain.selectors.timeline import youth_timeline
from domain.services.conversation import message_to_youth
from domain.services.outbox import outbox_push
from domain.services.reminders import reminders_sync_municipality
from tests import factories as f

NIGHT = datetime(2026, 11, 27, 22, 30, tzinfo=UTC)  # 23:30 in Copenhagen
EIGHT = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)  # 08:00 in Copenhagen
SIX = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)  # 06:00 in Copenhagen
Kind = OutboxMessage.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def at_night():
    with time_machine.travel(NIGHT, tick=False):
        yield


@pytest.fixture
def placement(youth, slot):
    return f.PlacementFactory(youth=youth, slot=slot, status="approved")


def quiet_hours(municipality, start: time, end: time) -> Municipality:
    Municipality.objects.filter(pk=municipality.pk).update(
        quiet_hours_start=start, quiet_hours_end=end
    )
    return Municipality.objects.get(pk=municipality.pk)


def test_a_push_at_night_is_held_and_found_for_its_page_and_the_timeline(
    placement, youth, consultant
):
    row = outbox_push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=placement)
    assert row.due_at == EIGHT
    assert held_pushes_about(subject=placement) == [row]
    assert held_pushes_for_youth(youth=youth) == [row]
    timeline = youth_timeline(user=consultant.user, youth_id=youth.pk)
    assert [e.item for e in timeline.entries if e.kind == "held"] == [row]


def test_a_push_by_day_is_not_held(placement, youth):
    with time_machine.travel(NIGHT - timedelta(hours=10), tick=False):
        outbox_push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=placement)
        assert held_pushes_about(subject=placement) == []


def test_a_reminder_due_later_is_not_a_held_push(placement, youth):
    outbox_push(recipient=youth, kind=Kind.PLACEMENT_START_REMINDER, subject=placement)
    assert held_pushes_about(subject=placement) == []


def test_shorter_quiet_hours_bring_held_news_forward(placement, youth, consultant, municipality):
    pushed = outbox_push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=placement)
    answer = message_to_youth(youth=youth, actor=consultant.user, text="Godmorgen")
    reminders_sync_municipality(quiet_hours(municipality, time(23, 0), time(6, 0)))
    for row in (pushed, answer.delivery):
        row.refresh_from_db()
        assert (row.status, row.due_at) == (OutboxMessage.Status.PENDING, SIX)


def test_no_quiet_hours_any_more_sends_held_news_at_once(placement, youth, municipality):
    pushed = outbox_push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=placement)
    reminders_sync_municipality(quiet_hours(municipality, time(3, 0), time(3, 0)))
    pushed.refresh_from_db()
    assert pushed.due_at == NIGHT


def test_held_news_that_would_come_too_late_is_skipped(youth, municipality):
    meeting = f.MeetingFactory(starts_at=NIGHT + timedelta(hours=9))  # 08:30 local
    pushed = outbox_push(
        recipient=youth,
        kind=Kind.MEETING_CANCELLED,
        subject=meeting,
        expires_at=meeting.starts_at,
    )
    assert pushed.due_at == EIGHT
    reminders_sync_municipality(quiet_hours(municipality, time(21, 0), time(9, 0)))
    pushed.refresh_from_db()
    assert (pushed.status, pushed.last_error) == (OutboxMessage.Status.SKIPPED, "quiet hours")


def test_a_row_a_worker_holds_keeps_its_time(placement, youth, municipality):
    pushed = outbox_push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=placement)
    OutboxMessage.objects.filter(pk=pushed.pk).update(
        claimed_until=NIGHT + timedelta(minutes=1), claimed_by="worker"
    )
    reminders_sync_municipality(quiet_hours(municipality, time(23, 0), time(6, 0)))
    pushed.refresh_from_db()
    assert pushed.due_at == EIGHT


def test_another_municipalitys_quiet_hours_leave_these_alone(placement, youth, other_municipality):
    pushed = outbox_push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=placement)
    reminders_sync_municipality(quiet_hours(other_municipality, time(3, 0), time(3, 0)))
    pushed.refresh_from_db()
    assert pushed.due_at == EIGHT
