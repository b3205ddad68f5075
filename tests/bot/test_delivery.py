"""Pushed messages: every outbox kind renders in the recipient's language with its buttons, and a
claimed batch renders for each youth's chat without a query of its own."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from bot import callbacks as cb
from bot import delivery
from domain.models import OutboxMessage, Youth
from domain.services.delivery import outbox_claim_batch
from domain.services.outbox import FOLLOWUP_KINDS, outbox_push
from tests.helpers import OUTBOX_SUBJECT_OF, outbox_row, outbox_subjects

Kind = OutboxMessage.Kind


@pytest.fixture
def subjects(municipality, company, youth):
    return outbox_subjects(municipality=municipality, company=company, youth=youth)


def test_every_kind_has_a_renderer():
    assert set(delivery.RENDERERS) == set(OutboxMessage.TELEGRAM_KINDS)


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("kind", OutboxMessage.TELEGRAM_KINDS)
def test_every_kind_renders_in_the_recipients_language(youth, subjects, kind, language):
    youth.language = language
    youth.save(update_fields=["language"])
    row = outbox_row(youth, kind, subjects[OUTBOX_SUBJECT_OF[kind]])
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
    row = outbox_row(youth, Kind.INTEREST_ACCEPTED, subjects["interest"])
    assert delivery.render(row)[0].startswith("Godt nyt!")
    youth.language = "en"
    youth.save(update_fields=["language"])
    assert delivery.render(OutboxMessage.objects.get(pk=row.pk))[0].startswith("Good news!")


def test_a_claimed_row_renders_for_the_youths_chat(youth, subjects):
    with transaction.atomic():
        row = outbox_push(
            recipient=youth, kind=Kind.PLACEMENT_APPROVED, subject=subjects["placement"]
        )
    _, (claimed,) = outbox_claim_batch(worker="a", now=timezone.now() + timedelta(seconds=1))
    outgoing = delivery.outgoing(claimed)
    assert (outgoing.message_id, outgoing.chat_id) == (row.pk, youth.telegram_chat_id)
    assert "Kassepraktik" not in outgoing.text and "Bageriet ApS" in outgoing.text
    assert outgoing.keyboard.inline_keyboard


def test_a_claimed_batch_of_every_kind_renders_without_a_query(
    youth, subjects, django_assert_num_queries
):
    # The follow-up's kinds go only to youth who left (below).
    kinds = [kind for kind in OutboxMessage.TELEGRAM_KINDS if kind not in FOLLOWUP_KINDS]
    for kind in kinds:
        outbox_row(youth, kind, subjects[OUTBOX_SUBJECT_OF[kind]])
    _, rows = outbox_claim_batch(worker="a", now=timezone.now() + timedelta(seconds=1))
    assert len(rows) == len(kinds)
    with django_assert_num_queries(0):
        batch = [delivery.outgoing(row) for row in rows]
    assert {m.chat_id for m in batch} == {youth.telegram_chat_id}


def test_a_follow_up_goes_to_the_chat_kept_for_it_and_only_after_leaving(youth, subjects):
    outbox_row(youth, Kind.FOLLOWUP_QUESTION, subjects["followup"])
    _, claimed = outbox_claim_batch(worker="a", now=timezone.now() + timedelta(seconds=1))
    assert claimed == []  # still taking part: not a follow-up's time
    chat = youth.telegram_chat_id
    Youth.objects.filter(pk=youth.pk).update(
        status=Youth.Status.LEFT,
        telegram_user_id=None,
        telegram_chat_id=None,
        followup_chat_id=chat,
        followup_consent_at=timezone.now(),
    )
    OutboxMessage.objects.all().delete()
    row = outbox_row(youth, Kind.FOLLOWUP_QUESTION, subjects["followup"])
    _, (claimed,) = outbox_claim_batch(worker="a", now=timezone.now() + timedelta(seconds=1))
    outgoing = delivery.outgoing(claimed)
    assert (outgoing.message_id, outgoing.chat_id) == (row.pk, chat)
    answers = [cb.parse(r[0].callback_data) for r in outgoing.keyboard.inline_keyboard]
    assert [a.args for a in answers] == [
        (subjects["followup"].pk, value)
        for value in ("job", "education", "looking", "other", "not_say")
    ]
