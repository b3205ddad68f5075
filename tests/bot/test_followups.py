"""End to end through the stand-in and the delivery worker: a youth who leaves is asked once
whether we may ask later; accepting queues the questions; a question arrives with its answer
buttons and the answer is kept; erasure stops everything."""

from datetime import timedelta

import pytest
from django.utils import timezone

from domain.models import FollowUp, OutboxMessage
from domain.services.privacy import youth_erase
from domain.services.youth import youth_leave
from tests.bot.conftest import data_of, labels, sent_row

pytestmark = pytest.mark.django_db(transaction=True)
Kind = OutboxMessage.Kind


def bring_forward(question: FollowUp) -> None:
    """Make the question due now instead of in three months (the worker runs on real time)."""
    now = timezone.now()
    FollowUp.objects.filter(pk=question.pk).update(due_at=now - timedelta(minutes=1))
    OutboxMessage.objects.filter(kind=Kind.FOLLOWUP_QUESTION, object_id=question.pk).update(
        due_at=now, expires_at=now + timedelta(days=30)
    )


def test_leaving_then_accepting_then_answering(linked_chat, consultant):
    chat, youth = linked_chat()
    youth_leave(youth=youth, actor=consultant.user, destination="education")
    (offer,) = chat.wait()
    assert "3, 6, 12" in offer.text
    assert labels(offer) == ["Ja, I må gerne spørge mig", "Nej tak"]
    assert sent_row(youth, Kind.FOLLOWUP_INVITE).telegram_message_id == offer.message_id

    (thanks,) = chat.press(data_of(offer, "Ja"))
    assert "Tak" in thanks.text
    questions = list(FollowUp.objects.filter(youth=youth).order_by("months"))
    assert [q.months for q in questions] == [3, 6, 12]

    bring_forward(questions[0])
    (question,) = chat.wait()
    assert "3 måneder" in question.text
    assert labels(question) == [
        "Et job",
        "Uddannelse",
        "Søger",
        "Noget andet",
        "Vil helst ikke sige",
    ]
    (answered,) = chat.press(data_of(question, "Uddannelse"))
    assert "Tak" in answered.text
    questions[0].refresh_from_db()
    assert questions[0].answer == "education"
    reminder = OutboxMessage.objects.get(kind=Kind.FOLLOWUP_REMINDER, object_id=questions[0].pk)
    assert reminder.status == OutboxMessage.Status.CANCELLED


def test_no_thanks_forgets_the_chat(linked_chat, consultant):
    # (A button forged in another chat is refused by the service: tests/domain/services.)
    chat, youth = linked_chat()
    youth_leave(youth=youth, actor=consultant.user, destination="unknown")
    (offer,) = chat.wait()
    (declined,) = chat.press(data_of(offer, "Nej"))
    assert "skriver ikke igen" in declined.text
    youth.refresh_from_db()
    assert youth.followup_chat_id is None


def test_nothing_reaches_an_erased_youth(linked_chat, consultant):
    chat, youth = linked_chat()
    youth_leave(youth=youth, actor=consultant.user, destination="other")
    (offer,) = chat.wait()
    chat.press(data_of(offer, "Ja"))
    question = FollowUp.objects.filter(youth=youth).order_by("months").first()
    youth_erase(youth=youth, actor=None)
    bring_forward(question)
    row = OutboxMessage.objects.get(kind=Kind.FOLLOWUP_QUESTION, object_id=question.pk)
    assert row.status == OutboxMessage.Status.CANCELLED
    youth.refresh_from_db()
    assert youth.followup_chat_id is None and youth.followup_consent_at is None
