"""The outbox: idempotent scheduling, quiet hours, cancellation."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.models import OutboxMessage
from domain.services.outbox import (
    outbox_cancel,
    outbox_cancel_for_youth,
    outbox_is_pending,
    outbox_push,
    outbox_retime,
    outbox_schedule,
    outbox_skip_overdue,
    quiet_hours_adjust,
)
from tests import factories as f

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (utc(2026, 11, 23, 11, 0), utc(2026, 11, 23, 11, 0)),  # 12:00 local: unchanged
        (utc(2026, 11, 23, 19, 59), utc(2026, 11, 23, 19, 59)),  # 20:59 local: unchanged
        (utc(2026, 11, 23, 20, 0), utc(2026, 11, 24, 7, 0)),  # 21:00 local → 08:00 next day
        (utc(2026, 11, 23, 22, 30), utc(2026, 11, 24, 7, 0)),  # 23:30 local → 08:00 next day
        (utc(2026, 11, 24, 5, 0), utc(2026, 11, 24, 7, 0)),  # 06:00 local → 08:00 same day
        (utc(2026, 11, 24, 7, 0), utc(2026, 11, 24, 7, 0)),  # 08:00 local: the window is over
        (utc(2026, 7, 1, 21, 0), utc(2026, 7, 2, 6, 0)),  # summer: 23:00 CEST → 08:00 CEST
    ],
)
def test_quiet_hours_move_a_message_to_eight_in_the_morning_local_time(municipality, due, expected):
    assert quiet_hours_adjust(due_at=due, municipality=municipality) == expected


def test_schedule_is_idempotent_and_retimes_by_key(youth):
    meeting = f.MeetingFactory(group__municipality=youth.municipality)
    first = outbox_schedule(
        recipient=youth,
        kind=Kind.MEETING_REMINDER,
        subject=meeting,
        due_at=utc(2026, 11, 24, 10, 0),
        dedupe_key="k1",
        now=NOW,
    )
    again = outbox_schedule(
        recipient=youth,
        kind=Kind.MEETING_REMINDER,
        subject=meeting,
        due_at=utc(2026, 11, 24, 12, 0),
        dedupe_key="k1",
        now=NOW,
    )
    assert first.pk == again.pk
    assert OutboxMessage.objects.count() == 1
    assert OutboxMessage.objects.get().due_at == utc(2026, 11, 24, 12, 0)
    assert OutboxMessage.objects.get().subject == meeting


def test_a_sent_message_is_never_rescheduled(youth):
    row = outbox_push(
        recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=None, dedupe_key="p", now=NOW
    )
    OutboxMessage.objects.filter(pk=row.pk).update(status=Status.SENT)
    outbox_schedule(
        recipient=youth,
        kind=Kind.PLACEMENT_APPROVED,
        subject=None,
        due_at=NOW + timedelta(days=1),
        dedupe_key="p",
        now=NOW,
    )
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.due_at == NOW


def test_a_reminder_pushed_past_its_object_by_quiet_hours_is_skipped(youth):
    meeting_at = utc(2026, 11, 24, 6, 30)  # 07:30 local: the 2-hours-before reminder is 05:30
    row = outbox_schedule(
        recipient=youth,
        kind=Kind.MEETING_REMINDER,
        subject=None,
        due_at=meeting_at - timedelta(hours=2),
        dedupe_key="early",
        expires_at=meeting_at,
        now=NOW,
    )
    assert row.status == Status.SKIPPED
    assert row.last_error == "quiet hours"


def test_a_reminder_whose_moment_has_passed_is_skipped_not_sent_late(youth):
    row = outbox_schedule(
        recipient=youth,
        kind=Kind.MEETING_REMINDER,
        subject=None,
        due_at=NOW - timedelta(hours=3),
        dedupe_key="late",
        now=NOW,
    )
    assert row.status == Status.SKIPPED
    assert row.last_error == "already past"


@pytest.mark.parametrize(
    "youth_kwargs",
    [
        {"telegram_user_id": None, "telegram_chat_id": None},
        {"consent_at": None, "consent_version": ""},
        {"status": "left"},
    ],
)
def test_nothing_is_queued_for_a_youth_who_cannot_receive_it(municipality, youth_kwargs):
    youth = f.YouthFactory(municipality=municipality, **youth_kwargs)
    assert outbox_push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=None, now=NOW) is None
    assert not OutboxMessage.objects.exists()


def test_cancel_keeps_listed_keys_and_other_subjects(youth):
    meeting, other = f.MeetingFactory.create_batch(2, group__municipality=youth.municipality)
    for key, subject in [("a", meeting), ("b", meeting), ("c", other)]:
        outbox_schedule(
            recipient=youth,
            kind=Kind.MEETING_REMINDER,
            subject=subject,
            due_at=NOW + timedelta(days=1),
            dedupe_key=key,
            now=NOW,
        )
    assert outbox_cancel(subject=meeting, keep_keys=["a"]) == 1
    statuses = dict(OutboxMessage.objects.values_list("dedupe_key", "status"))
    assert statuses == {"a": Status.PENDING, "b": Status.CANCELLED, "c": Status.PENDING}
    assert outbox_cancel_for_youth(youth=youth) == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.CANCELLED}


def test_a_message_is_pending_until_it_is_settled(youth):
    assert not outbox_is_pending(dedupe_key="p")
    row = outbox_push(
        recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=None, dedupe_key="p", now=NOW
    )
    assert outbox_is_pending(dedupe_key="p")
    OutboxMessage.objects.filter(pk=row.pk).update(claimed_by="host:1", claimed_until=NOW)
    assert outbox_is_pending(dedupe_key="p"), "claimed by a worker, still not sent"
    OutboxMessage.objects.filter(pk=row.pk).update(status=Status.SENT)
    assert not outbox_is_pending(dedupe_key="p")


def test_retiming_writes_only_the_times(youth):
    row = outbox_push(
        recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=None, dedupe_key="p", now=NOW
    )
    OutboxMessage.objects.filter(pk=row.pk).update(status=Status.SENT, attempts=1)
    outbox_retime(message_id=row.pk, due_at=NOW + timedelta(days=1), expires_at=NOW)
    row.refresh_from_db()
    assert (row.due_at, row.expires_at) == (NOW + timedelta(days=1), NOW)
    assert (row.status, row.attempts) == (Status.SENT, 1)


def test_overdue_messages_are_skipped_not_sent_late(youth):
    old = outbox_push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=None, now=NOW)
    new = outbox_push(
        recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=None, now=NOW + timedelta(days=2)
    )
    assert outbox_skip_overdue(due_before=NOW + timedelta(days=1)) == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, old.last_error) == (Status.SKIPPED, "overdue")
    assert new.status == Status.PENDING


def test_a_reminder_waiting_for_the_end_of_quiet_hours_survives_a_resync(youth):
    """Due 07:30 local → waits for 08:00; re-synced at 07:40 it is still wanted, not stale."""
    due = utc(2026, 11, 24, 6, 30)  # 07:30 in Copenhagen
    meeting_at = utc(2026, 11, 24, 8, 30)  # 09:30
    first = outbox_schedule(
        recipient=youth,
        kind=Kind.MEETING_REMINDER,
        subject=None,
        due_at=due,
        dedupe_key="q",
        expires_at=meeting_at,
        now=NOW,
    )
    assert (first.status, first.due_at) == (Status.PENDING, utc(2026, 11, 24, 7, 0))
    again = outbox_schedule(
        recipient=youth,
        kind=Kind.MEETING_REMINDER,
        subject=None,
        due_at=due,
        dedupe_key="q",
        expires_at=meeting_at,
        now=utc(2026, 11, 24, 6, 40),
    )
    assert (again.status, again.due_at) == (Status.PENDING, utc(2026, 11, 24, 7, 0))
