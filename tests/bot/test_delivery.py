"""Pushed messages: every outbox kind renders in the recipient's language with its buttons, and
the sender's claim / mark steps keep each row sent once."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from bot import callbacks as cb
from bot import delivery
from domain.models import OutboxMessage, Placement
from domain.services.outbox import outbox_push
from domain.services.signups import youth_signup
from tests import factories as f

Kind = OutboxMessage.Kind


def push(**kwargs) -> OutboxMessage:
    """What a service does inside its transaction: push one message."""
    with transaction.atomic():
        return outbox_push(**kwargs)


Status = OutboxMessage.Status


@pytest.fixture
def subjects(municipality, company, youth):
    slot = f.SlotFactory(company=company, title="Kassepraktik")
    group = f.GroupFactory(municipality=municipality)
    event = f.EventFactory(municipality=municipality, title="Matchdag")
    return {
        "interest": f.AcceptedInterestFactory(youth=youth, slot=slot),
        "placement": f.PlacementFactory(youth=youth, slot=slot, status=Placement.Status.ACTIVE),
        "meeting": f.MeetingFactory(group=group, place="Ungehuset"),
        "event": event,
        "signup": youth_signup(event=event, youth=youth, actor=youth),
    }


SUBJECT_OF = {
    Kind.MEETING_REMINDER: "meeting",
    Kind.EVENT_REMINDER: "signup",
    Kind.INTRO_REMINDER: "interest",
    Kind.PLACEMENT_START_REMINDER: "placement",
    Kind.CHECKIN_PROMPT: "placement",
    Kind.INTEREST_ACCEPTED: "interest",
    Kind.INTEREST_DECLINED: "interest",
    Kind.PLACEMENT_APPROVED: "placement",
    Kind.PLACEMENT_REJECTED: "placement",
    Kind.WAITLIST_PROMOTED: "signup",
    Kind.MEETING_MOVED: "meeting",
    Kind.MEETING_CANCELLED: "meeting",
    Kind.EVENT_CANCELLED: "event",
}


def _row(youth, kind, subject) -> OutboxMessage:
    at = (timezone.now() + timedelta(days=2)).isoformat()
    payload = {
        "starts_at": at,
        "intro_meeting_at": at,
        "intro_meeting_place": "Algade 1",
        "place": "Ungehuset",
        "start_date": timezone.localdate().isoformat(),
        "hours_per_week": 15,
    }
    return OutboxMessage.objects.create(
        recipient=youth,
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        payload=payload,
        dedupe_key=f"test:{kind}:{subject.pk}",
        due_at=timezone.now(),
    )


def test_every_kind_has_a_renderer():
    assert set(delivery.RENDERERS) == set(Kind.values)


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("kind", Kind.values)
def test_every_kind_renders_in_the_recipients_language(youth, subjects, kind, language):
    youth.language = language
    youth.save(update_fields=["language"])
    row = _row(youth, kind, subjects[SUBJECT_OF[kind]])
    text, markup = delivery.render(OutboxMessage.objects.get(pk=row.pk))
    assert text.strip() and "{" not in text
    assert markup.inline_keyboard, "every pushed message leads somewhere"
    if kind == Kind.MEETING_REMINDER:
        data = markup.inline_keyboard[0][0].callback_data
        assert cb.parse(data) == cb.Callback(cb.MEETING, "excuse", (subjects["meeting"].pk,))
    if kind == Kind.CHECKIN_PROMPT:
        scores = [button.callback_data for button in markup.inline_keyboard[0]]
        assert [cb.parse(d).args[1] for d in scores] == [1, 2, 3, 4, 5]


def test_the_language_shows_in_the_words(youth, subjects):
    row = _row(youth, Kind.INTEREST_ACCEPTED, subjects["interest"])
    assert delivery.render(row)[0].startswith("Godt nyt!")
    youth.language = "en"
    youth.save(update_fields=["language"])
    assert delivery.render(OutboxMessage.objects.get(pk=row.pk))[0].startswith("Good news!")


def _claim(worker="a", *, at=None, **kwargs):
    """claim_batch at ``at`` (default: a second from now); returns the ids to send."""
    at = at or timezone.now() + timedelta(seconds=1)
    _, batch = delivery.claim_batch(worker=worker, now=at, **kwargs)
    return [outgoing.message_id for outgoing in batch]


def test_a_claimed_row_is_not_claimed_again_until_its_lease_ends(youth, subjects):
    row = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    now = timezone.now() + timedelta(seconds=1)
    assert _claim("a", at=now) == [row.pk]
    assert _claim("b", at=now) == []
    later = now + delivery.LEASE + timedelta(seconds=1)
    assert _claim("b", at=later) == [row.pk]
    row.refresh_from_db()
    assert (row.claimed_by, row.attempts) == ("b", 0), "claiming is not an attempt"


def test_begin_send_needs_the_lease_and_a_pending_row(youth, subjects):
    row = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    _claim("a")
    assert not delivery.begin_send(message_id=row.pk, worker="b")
    assert delivery.begin_send(message_id=row.pk, worker="a")
    row.refresh_from_db()
    assert row.attempts == 1 and row.send_started_at is not None
    assert row.possible_duplicates == 0
    # Cancelled after the claim (the meeting was cancelled): not sent.
    other = push(recipient=youth, kind=Kind.PLACEMENT_REJECTED, subject=subjects["placement"])
    _claim("a")
    OutboxMessage.objects.filter(pk=other.pk).update(status=Status.CANCELLED)
    assert not delivery.begin_send(message_id=other.pk, worker="a")


def test_a_resend_after_an_unconfirmed_attempt_is_counted(youth, subjects):
    row = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    _claim("a")
    assert delivery.begin_send(message_id=row.pk, worker="a")
    # Worker "a" dies here, mid-send. After the lease, "b" takes the row and sends it again.
    later = timezone.now() + delivery.LEASE + timedelta(seconds=5)
    assert _claim("b", at=later) == [row.pk]
    assert delivery.begin_send(message_id=row.pk, worker="b", now=later)
    row.refresh_from_db()
    assert (row.attempts, row.possible_duplicates) == (2, 1)


def test_marking_sent(youth, subjects):
    row = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    _claim("a")
    delivery.begin_send(message_id=row.pk, worker="a")
    delivery.mark_sent(message_id=row.pk, telegram_message_id=77)
    row.refresh_from_db()
    assert (row.status, row.telegram_message_id, row.claimed_until) == (Status.SENT, 77, None)
    assert row.sent_at is not None
    assert _claim("a", at=timezone.now() + delivery.LEASE * 2) == []


def test_a_retry_waits_and_then_gives_up(youth, subjects):
    row = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    now = timezone.now() + timedelta(seconds=1)
    for attempt in range(1, 4):
        assert _claim("a", at=now) == [row.pk]
        assert delivery.begin_send(message_id=row.pk, worker="a", now=now)
        retry_at = now + timedelta(seconds=10)
        status = delivery.mark_retry(
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


def test_a_timeout_is_resent_once_and_counted(youth, subjects):
    row = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    now = timezone.now() + timedelta(seconds=1)
    statuses = []
    for _ in range(2):
        assert _claim("a", at=now) == [row.pk]
        delivery.begin_send(message_id=row.pk, worker="a", now=now)
        statuses.append(
            delivery.mark_retry(
                message_id=row.pk,
                error="timed out",
                retry_at=now + timedelta(seconds=2),
                outcome_unknown=True,
                now=now,
            )
        )
        now += timedelta(seconds=3)
    row.refresh_from_db()
    assert statuses == [Status.PENDING, Status.FAILED]
    assert (row.status, row.possible_duplicates) == (Status.FAILED, 1)
    assert row.last_error == "gave up after 2 attempts: timed out"


def test_a_rate_limited_attempt_is_not_counted(youth, subjects):
    row = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    _claim("a")
    delivery.begin_send(message_id=row.pk, worker="a")
    delivery.mark_rate_limited(message_id=row.pk, retry_after=3)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_by) == (Status.PENDING, 0, "a")
    assert row.send_started_at is None and row.last_error == "rate limited: retry after 3 s"
    assert delivery.begin_send(message_id=row.pk, worker="a"), "still this worker's to send"


def test_a_permanent_failure_is_final(youth, subjects):
    row = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    _claim("a")
    delivery.mark_failed(message_id=row.pk, error="bad request: message is too long")
    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.FAILED, "bad request: message is too long")
    assert _claim("a", at=timezone.now() + delivery.LEASE * 2) == []


def test_release_gives_back_only_what_was_not_begun(youth, subjects):
    begun = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    waiting = push(recipient=youth, kind=Kind.PLACEMENT_REJECTED, subject=subjects["placement"])
    assert sorted(_claim("a")) == sorted([begun.pk, waiting.pk])
    delivery.begin_send(message_id=begun.pk, worker="a")
    assert delivery.release(message_ids=[begun.pk, waiting.pk], worker="a") == 1
    assert _claim("b") == [waiting.pk]


def test_claiming_settles_rows_that_cannot_or_need_not_be_sent(youth, subjects):
    expired = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    OutboxMessage.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert _claim() == []
    expired.refresh_from_db()
    assert (expired.status, expired.last_error) == (Status.SKIPPED, "expired before sending")

    gone = push(recipient=youth, kind=Kind.PLACEMENT_REJECTED, subject=subjects["placement"])
    type(youth).objects.filter(pk=youth.pk).update(telegram_chat_id=None)
    assert _claim() == []
    gone.refresh_from_db()
    assert gone.status == Status.CANCELLED


def test_claiming_renders_for_the_youths_chat(youth, subjects):
    push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    _, (outgoing,) = delivery.claim_batch(worker="a", now=timezone.now() + timedelta(seconds=1))
    assert outgoing.chat_id == youth.telegram_chat_id
    assert "Kassepraktik" not in outgoing.text and "Bageriet ApS" in outgoing.text


def test_a_batch_renders_in_a_constant_number_of_queries(
    youth, subjects, django_assert_max_num_queries
):
    for kind in Kind.values:
        _row(youth, kind, subjects[SUBJECT_OF[kind]])
    with django_assert_max_num_queries(12):
        claimed, batch = delivery.claim_batch(worker="a", now=timezone.now() + timedelta(seconds=1))
    assert claimed == len(batch) == len(Kind.values)


def test_several_rows_are_marked_sent_in_one_query(youth, subjects, django_assert_num_queries):
    first = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    second = push(recipient=youth, kind=Kind.PLACEMENT_REJECTED, subject=subjects["placement"])
    _claim("a")
    at = timezone.now()
    with django_assert_num_queries(1):
        delivery.mark_sent_many(sent=[(first.pk, 11, at), (second.pk, 12, at + timedelta(1))])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.telegram_message_id, first.sent_at) == (Status.SENT, 11, at)
    assert (second.telegram_message_id, second.sent_at) == (12, at + timedelta(1))
    assert first.claimed_until is None and second.claimed_until is None
