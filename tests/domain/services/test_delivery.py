"""The outbox's delivery steps: a claim leases each row to one worker, the mark steps keep each
row sent once, and rows that need no sending are settled at the claim."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from domain.models import OutboxMessage, Youth
from domain.services import delivery
from domain.services.delivery import (
    LEASE,
    outbox_abandon,
    outbox_attempts,
    outbox_begin_send,
    outbox_claim_batch,
    outbox_mark_failed,
    outbox_mark_rate_limited,
    outbox_mark_recipient_unreachable,
    outbox_mark_retry,
    outbox_mark_sent,
    outbox_mark_sent_many,
    outbox_release,
    outbox_work_left,
)
from domain.services.outbox import FOLLOWUP_KINDS, outbox_push
from tests.helpers import OUTBOX_SUBJECT_OF, outbox_row, outbox_subjects

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
DAYTIME = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 11:00 in Copenhagen: no quiet hours


@pytest.fixture(autouse=True)
def _daytime():
    """The tests run at any hour; these are about the lease, not about quiet hours."""
    with time_machine.travel(DAYTIME, tick=True):
        yield


@pytest.fixture
def subjects(municipality, company, youth):
    return outbox_subjects(municipality=municipality, company=company, youth=youth)


def push(youth, subjects, kind=Kind.PLACEMENT_APPROVED) -> OutboxMessage:
    """What a service does inside its transaction: push one message about the placement."""
    with transaction.atomic():
        return outbox_push(recipient=youth, kind=kind, subject=subjects["placement"])


def _claim(worker="a", *, at=None, **kwargs):
    """outbox_claim_batch at ``at`` (default: a second from now); returns the ids to send."""
    at = at or timezone.now() + timedelta(seconds=1)
    _, batch = outbox_claim_batch(worker=worker, now=at, **kwargs)
    return [message.pk for message in batch]


def test_a_claimed_row_is_not_claimed_again_until_its_lease_ends(youth, subjects):
    row = push(youth, subjects)
    now = timezone.now() + timedelta(seconds=1)
    assert _claim("a", at=now) == [row.pk]
    assert _claim("b", at=now) == []
    later = now + LEASE + timedelta(seconds=1)
    assert _claim("b", at=later) == [row.pk]
    row.refresh_from_db()
    assert (row.claimed_by, row.attempts) == ("b", 0), "claiming is not an attempt"


def test_a_claim_takes_at_most_its_limit_oldest_first(youth, subjects):
    first = push(youth, subjects)
    second = push(youth, subjects, Kind.PLACEMENT_REJECTED)
    OutboxMessage.objects.filter(pk=second.pk).update(due_at=first.due_at - timedelta(minutes=1))
    claimed, batch = outbox_claim_batch(
        worker="a", now=timezone.now() + timedelta(seconds=1), limit=1
    )
    assert (claimed, [m.pk for m in batch]) == (1, [second.pk])
    assert _claim("a") == [first.pk]


def test_begin_send_needs_the_lease_and_a_pending_row(youth, subjects):
    row = push(youth, subjects)
    _claim("a")
    assert not outbox_begin_send(message_id=row.pk, worker="b")
    assert outbox_begin_send(message_id=row.pk, worker="a")
    row.refresh_from_db()
    assert row.attempts == 1 and row.send_started_at is not None
    assert row.possible_duplicates == 0
    # Cancelled after the claim (the meeting was cancelled): not sent.
    other = push(youth, subjects, Kind.PLACEMENT_REJECTED)
    _claim("a")
    OutboxMessage.objects.filter(pk=other.pk).update(status=Status.CANCELLED)
    assert not outbox_begin_send(message_id=other.pk, worker="a")


def test_a_resend_after_an_unconfirmed_attempt_is_counted(youth, subjects):
    row = push(youth, subjects)
    _claim("a")
    assert outbox_begin_send(message_id=row.pk, worker="a")
    # Worker "a" dies here, mid-send. After the lease, "b" takes the row and sends it again.
    later = timezone.now() + LEASE + timedelta(seconds=5)
    assert _claim("b", at=later) == [row.pk]
    assert outbox_begin_send(message_id=row.pk, worker="b", now=later)
    row.refresh_from_db()
    assert (row.attempts, row.possible_duplicates) == (2, 1)


def test_marking_sent(youth, subjects):
    row = push(youth, subjects)
    _claim("a")
    outbox_begin_send(message_id=row.pk, worker="a")
    outbox_mark_sent(message_id=row.pk, telegram_message_id=77)
    row.refresh_from_db()
    assert (row.status, row.telegram_message_id, row.claimed_until) == (Status.SENT, 77, None)
    assert row.sent_at is not None
    assert _claim("a", at=timezone.now() + LEASE * 2) == []


def test_a_retry_waits_and_then_gives_up(youth, subjects):
    row = push(youth, subjects)
    now = timezone.now() + timedelta(seconds=1)
    for attempt in range(1, 4):
        assert _claim("a", at=now) == [row.pk]
        assert outbox_begin_send(message_id=row.pk, worker="a", now=now)
        assert outbox_attempts(message_id=row.pk) == attempt
        retry_at = now + timedelta(seconds=10)
        status = outbox_mark_retry(
            message_id=row.pk,
            error="server error: Bad Gateway",
            retry_at=retry_at,
            max_attempts=3,
            now=now,
        )
        row.refresh_from_db()
        if attempt < 3:
            assert status == Status.PENDING
            assert (row.claimed_by, row.claimed_until) == ("", retry_at)
            assert row.last_error == f"server error: Bad Gateway; retry {attempt} of 2"
            assert row.send_started_at is None, "a 5xx was not delivered"
            assert _claim("b", at=now + timedelta(seconds=5)) == [], "waits for its retry time"
        now = retry_at + timedelta(seconds=1)
    assert status == Status.FAILED
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert row.last_error == "gave up after 3 attempts: server error: Bad Gateway"


def test_the_attempts_of_a_row_that_is_gone_are_none(db):
    assert outbox_attempts(message_id=404) == 0
    assert outbox_mark_retry(message_id=404, error="x", retry_at=timezone.now()) == ""


def test_a_timeout_is_resent_once_and_counted_then_delivery_unknown(youth, subjects):
    row = push(youth, subjects)
    now = timezone.now() + timedelta(seconds=1)
    statuses = []
    for _ in range(2):
        assert _claim("a", at=now) == [row.pk]
        outbox_begin_send(message_id=row.pk, worker="a", now=now)
        statuses.append(
            outbox_mark_retry(
                message_id=row.pk,
                error="timed out",
                retry_at=now + timedelta(seconds=2),
                outcome_unknown=True,
                now=now,
            )
        )
        now += timedelta(seconds=3)
    row.refresh_from_db()
    # Both went out and neither was answered: the youth most likely has it, so not "failed".
    assert statuses == [Status.PENDING, Status.UNKNOWN]
    assert (row.status, row.possible_duplicates) == (Status.UNKNOWN, 1)
    assert row.last_error == "no answer after 2 attempts: timed out"


def test_a_rate_limited_attempt_is_not_counted(youth, subjects):
    row = push(youth, subjects)
    _claim("a")
    outbox_begin_send(message_id=row.pk, worker="a")
    outbox_mark_rate_limited(message_id=row.pk, retry_after=3)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_by) == (Status.PENDING, 0, "a")
    assert row.send_started_at is None and row.last_error == "rate limited: retry after 3 s"
    assert outbox_begin_send(message_id=row.pk, worker="a"), "still this worker's to send"


def test_a_permanent_failure_is_final(youth, subjects):
    row = push(youth, subjects)
    _claim("a")
    outbox_mark_failed(message_id=row.pk, error="bad request: message is too long")
    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.FAILED, "bad request: message is too long")
    assert _claim("a", at=timezone.now() + LEASE * 2) == []


def test_an_error_is_cut_to_what_the_row_holds(youth, subjects):
    row = push(youth, subjects)
    outbox_mark_failed(message_id=row.pk, error="x" * 600)
    row.refresh_from_db()
    assert row.last_error == "x" * delivery.ERROR_MAX_LENGTH


def test_a_refused_message_marks_its_youth_unreachable_once(youth, subjects):
    row = push(youth, subjects)
    assert outbox_mark_recipient_unreachable(message_id=row.pk, reason="Forbidden: blocked")
    assert Youth.objects.get(pk=youth.pk).unreachable_at is not None
    assert not outbox_mark_recipient_unreachable(message_id=row.pk, reason="blocked")
    assert not outbox_mark_recipient_unreachable(message_id=404, reason="blocked")


def test_an_abandoned_send_is_given_back_uncounted(youth, subjects):
    row = push(youth, subjects)
    _claim("a")
    outbox_begin_send(message_id=row.pk, worker="a")
    outbox_abandon(message_id=row.pk, worker="b")  # not b's: nothing changes
    row.refresh_from_db()
    assert (row.attempts, row.claimed_by) == (1, "a")
    outbox_abandon(message_id=row.pk, worker="a")
    row.refresh_from_db()
    assert (row.attempts, row.send_started_at, row.claimed_by) == (0, None, "")
    assert _claim("b") == [row.pk], "free for any worker at once"


def test_release_gives_back_only_what_was_not_begun(youth, subjects):
    begun = push(youth, subjects)
    waiting = push(youth, subjects, Kind.PLACEMENT_REJECTED)
    assert sorted(_claim("a")) == sorted([begun.pk, waiting.pk])
    outbox_begin_send(message_id=begun.pk, worker="a")
    assert outbox_release(message_ids=[begun.pk, waiting.pk], worker="a") == 1
    assert _claim("b") == [waiting.pk]


def test_claiming_settles_rows_that_cannot_or_need_not_be_sent(youth, subjects):
    expired = push(youth, subjects)
    OutboxMessage.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert _claim() == []
    expired.refresh_from_db()
    assert (expired.status, expired.last_error) == (Status.SKIPPED, "expired before sending")

    gone = push(youth, subjects, Kind.PLACEMENT_REJECTED)
    type(youth).objects.filter(pk=youth.pk).update(telegram_chat_id=None)
    assert _claim() == []
    gone.refresh_from_db()
    assert gone.status == Status.CANCELLED


def test_a_late_row_in_quiet_hours_waits_for_the_morning(youth, subjects):
    row = push(youth, subjects)
    night = DAYTIME.replace(hour=23, minute=30)  # 00:30 in Copenhagen
    assert _claim("a", at=night) == []
    row.refresh_from_db()
    assert (row.status, row.claimed_by) == (Status.PENDING, "")
    assert row.claimed_until > night and row.last_error == "quiet hours: waits for the morning"
    assert not outbox_work_left(now=night), "hours away: no work for now"
    assert _claim("a", at=row.claimed_until + timedelta(seconds=1)) == [row.pk]


def test_work_left(youth, subjects):
    assert not outbox_work_left()
    row = push(youth, subjects)
    assert outbox_work_left(now=timezone.now() + timedelta(seconds=1))
    _claim("a")
    assert outbox_work_left(now=timezone.now() + timedelta(seconds=1)), "a worker holds it"
    outbox_mark_sent(message_id=row.pk, telegram_message_id=1)
    assert not outbox_work_left(now=timezone.now() + timedelta(seconds=1))


def test_a_claim_loads_what_rendering_reads_in_a_constant_number_of_queries(
    youth, subjects, django_assert_max_num_queries
):
    # The follow-up's kinds go only to youth who left (test_follow_ups_wait_for_leaving).
    kinds = [kind for kind in OutboxMessage.TELEGRAM_KINDS if kind not in FOLLOWUP_KINDS]
    for kind in kinds:
        outbox_row(youth, kind, subjects[OUTBOX_SUBJECT_OF[kind]])
    # One query per kind of subject (each new kind of subject adds one, never one per row).
    with django_assert_max_num_queries(13):
        claimed, batch = outbox_claim_batch(worker="a", now=timezone.now() + timedelta(seconds=1))
    assert claimed == len(batch) == len(kinds)
    assert {m.recipient.telegram_chat_id for m in batch} == {youth.telegram_chat_id}


def test_follow_ups_wait_for_leaving(youth, subjects):
    """A follow-up row for a youth still taking part is cancelled at the claim, not sent."""
    for kind in sorted(FOLLOWUP_KINDS):
        outbox_row(youth, kind, subjects[OUTBOX_SUBJECT_OF[kind]])
    OutboxMessage.objects.exclude(kind__in=FOLLOWUP_KINDS).delete()  # the fixture's own
    claimed, batch = outbox_claim_batch(worker="a", now=timezone.now() + timedelta(seconds=1))
    assert (claimed, batch) == (3, [])
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.CANCELLED}


def test_several_rows_are_marked_sent_in_one_query(youth, subjects, django_assert_num_queries):
    first = push(youth, subjects)
    second = push(youth, subjects, Kind.PLACEMENT_REJECTED)
    _claim("a")
    at = timezone.now()
    with django_assert_num_queries(1):
        outbox_mark_sent_many(sent=[(first.pk, 11, at), (second.pk, 12, at + timedelta(1))])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.telegram_message_id, first.sent_at) == (Status.SENT, 11, at)
    assert (second.telegram_message_id, second.sent_at) == (12, at + timedelta(1))
    assert first.claimed_until is None and second.claimed_until is None
