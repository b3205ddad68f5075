"""Pushed messages: every outbox kind renders in the recipient's language with its buttons, and
the sender's claim / mark steps keep each row sent once."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from bot import callbacks as cb
from bot import delivery
from portal.models import OutboxMessage, Placement
from portal.services.outbox import outbox_push
from portal.services.signups import youth_signup
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


def test_a_claimed_row_is_not_claimed_again_until_its_lease_ends(youth, subjects):
    row = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    now = timezone.now() + timedelta(seconds=1)
    assert delivery.claim_due(worker="a", now=now) == [row.pk]
    assert delivery.claim_due(worker="b", now=now) == []
    later = now + delivery.LEASE + timedelta(seconds=1)
    assert delivery.claim_due(worker="b", now=later) == [row.pk]
    row.refresh_from_db()
    assert (row.claimed_by, row.attempts) == ("b", 2)


def test_marking_sent_and_failed(youth, subjects):
    row = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    delivery.claim_due(worker="a", now=timezone.now() + timedelta(seconds=1))
    delivery.mark_failed(message_id=row.pk, error="502 Bad Gateway")
    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.PENDING, "502 Bad Gateway")
    delivery.mark_sent(message_id=row.pk, telegram_message_id=77)
    row.refresh_from_db()
    assert (row.status, row.telegram_message_id, row.claimed_until) == (Status.SENT, 77, None)
    assert delivery.claim_due(worker="a", now=timezone.now() + delivery.LEASE * 2) == []


def test_a_permanent_failure_or_too_many_attempts_fails_the_row(youth, subjects):
    first = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    delivery.mark_failed(message_id=first.pk, error="Forbidden: bot was blocked", permanent=True)
    first.refresh_from_db()
    assert first.status == Status.FAILED
    second = push(recipient=youth, kind=Kind.PLACEMENT_REJECTED, subject=subjects["placement"])
    OutboxMessage.objects.filter(pk=second.pk).update(attempts=delivery.MAX_ATTEMPTS)
    delivery.mark_failed(message_id=second.pk, error="timed out")
    second.refresh_from_db()
    assert second.status == Status.FAILED


def test_prepare_settles_rows_that_cannot_or_need_not_be_sent(youth, subjects):
    expired = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    OutboxMessage.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert delivery.prepare(message_id=expired.pk) is None
    expired.refresh_from_db()
    assert expired.status == Status.SKIPPED

    gone = push(recipient=youth, kind=Kind.PLACEMENT_REJECTED, subject=subjects["placement"])
    type(youth).objects.filter(pk=youth.pk).update(telegram_chat_id=None)
    assert delivery.prepare(message_id=gone.pk) is None
    gone.refresh_from_db()
    assert gone.status == Status.CANCELLED


def test_prepare_renders_for_the_youths_chat(youth, subjects):
    row = push(recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"])
    outgoing = delivery.prepare(message_id=row.pk)
    assert outgoing.chat_id == youth.telegram_chat_id
    assert "Kassepraktik" not in outgoing.text and "Bageriet ApS" in outgoing.text
