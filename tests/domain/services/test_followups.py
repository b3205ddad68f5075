"""Asking afterwards: the offer when leaving, its own consent, one question per month of the
municipality's list through the outbox (quiet hours, one reminder at most), the answer, and
nothing once erased or unreachable."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import AuditEntry, FollowUp, Municipality, OutboxMessage, Youth
from domain.services.followups import (
    add_months,
    followup_answer,
    followup_consent_decline,
    followup_consent_give,
)
from domain.services.privacy import youth_erase
from domain.services.reachability import youth_mark_unreachable
from domain.services.youth import youth_leave
from domain.timeutils import local_datetime
from tests import factories as f

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 13:00 in Copenhagen
K = OutboxMessage.Kind
S = OutboxMessage.Status


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def left(youth, consultant):
    chat = youth.telegram_chat_id
    youth_leave(youth=youth, actor=consultant.user, destination="education", now=NOW)
    youth.refresh_from_db()
    youth.chat = chat
    return youth


def rows(youth, *kinds):
    return OutboxMessage.objects.filter(recipient=youth, kind__in=kinds).order_by("due_at", "pk")


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 3, 10), 12) == date(2027, 3, 10)


def test_leaving_keeps_the_chat_and_asks_once_whether_we_may_ask_later(left):
    assert (left.telegram_user_id, left.telegram_chat_id) == (None, None)
    assert left.followup_chat_id == left.chat
    invite = rows(left, K.FOLLOWUP_INVITE).get()
    assert (invite.status, invite.due_at) == (S.PENDING, NOW)


def test_no_offer_when_the_municipality_turned_asking_off(municipality, consultant):
    Municipality.objects.filter(pk=municipality.pk).update(followup_months=[])
    youth = f.YouthFactory(municipality=municipality)
    youth_leave(youth=youth, actor=consultant.user, destination="unknown")
    youth.refresh_from_db()
    assert youth.followup_chat_id is None
    assert not rows(youth, K.FOLLOWUP_INVITE).exists()


def test_no_offer_to_a_youth_who_never_linked(municipality, consultant):
    youth = f.InvitedYouthFactory(municipality=municipality)
    youth_leave(youth=youth, actor=consultant.user, destination="unknown")
    assert not OutboxMessage.objects.filter(recipient=youth).exists()


def test_accepting_queues_one_question_per_month_with_one_reminder(left):
    questions = followup_consent_give(youth=left, chat_id=left.chat, version="2026-1")
    left.refresh_from_db()
    assert (left.followup_consent_version, left.followup_consent_at) == ("2026-1", NOW)
    assert [q.months for q in questions] == [3, 6, 12]
    tz = left.municipality.timezone
    assert [q.due_at for q in questions] == [
        local_datetime(date(2026, 6, 10), time(10), tz),
        local_datetime(date(2026, 9, 10), time(10), tz),
        local_datetime(date(2027, 3, 10), time(10), tz),
    ]
    asks = list(rows(left, K.FOLLOWUP_QUESTION))
    reminders = list(rows(left, K.FOLLOWUP_REMINDER))
    assert [row.due_at for row in asks] == [q.due_at for q in questions]
    assert [row.due_at for row in reminders] == [q.due_at + timedelta(days=7) for q in questions]
    assert {row.status for row in asks + reminders} == {S.PENDING}
    assert AuditEntry.objects.filter(action="youth.followup_consent", target_id=left.pk).exists()
    # Accepting twice changes nothing.
    assert len(followup_consent_give(youth=left, chat_id=left.chat)) == 3
    assert FollowUp.objects.filter(youth=left).count() == 3


def test_the_months_are_the_municipalitys(left):
    Municipality.objects.filter(pk=left.municipality_id).update(followup_months=[6])
    left.refresh_from_db()
    assert [q.months for q in followup_consent_give(youth=left, chat_id=left.chat)] == [6]


def test_questions_respect_quiet_hours(left):
    Municipality.objects.filter(pk=left.municipality_id).update(quiet_hours_end=time(11, 30))
    left.refresh_from_db()
    question = followup_consent_give(youth=left, chat_id=left.chat)[0]
    row = rows(left, K.FOLLOWUP_QUESTION).first()
    assert row.due_at == question.due_at + timedelta(hours=1, minutes=30)


def test_another_chat_cannot_accept_or_answer(left):
    with pytest.raises(DomainError) as exc:
        followup_consent_give(youth=left, chat_id=left.chat + 1)
    assert exc.value.code == "not_found"
    question = followup_consent_give(youth=left, chat_id=left.chat)[0]
    later = time_machine.travel(question.due_at + timedelta(hours=1), tick=False)
    with later, pytest.raises(DomainError) as exc:
        followup_answer(question=question, chat_id=left.chat + 1, answer="job")
    assert exc.value.code == "not_found"


def test_the_answer_is_kept_and_the_reminder_cancelled(left):
    question = followup_consent_give(youth=left, chat_id=left.chat)[0]
    later = question.due_at + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        followup_answer(question=question, chat_id=left.chat, answer="education")
    question.refresh_from_db()
    assert (question.answer, question.answered_at) == ("education", later)
    reminder = OutboxMessage.objects.get(dedupe_key=f"followup_reminder:{question.pk}")
    assert reminder.status == S.CANCELLED
    entry = AuditEntry.objects.get(action="followup.answer", target_id=question.pk)
    assert entry.data == {"months": 3, "answer": "education"}


def test_no_answer_before_the_question_nor_after_it_closed(left):
    question = followup_consent_give(youth=left, chat_id=left.chat)[0]
    with pytest.raises(DomainError) as exc:
        followup_answer(question=question, chat_id=left.chat, answer="job")
    assert exc.value.code == "invalid_state"
    closed = time_machine.travel(question.due_at + timedelta(days=31), tick=False)
    with closed, pytest.raises(DomainError) as exc:
        followup_answer(question=question, chat_id=left.chat, answer="job")
    assert exc.value.code == "invalid_state"


def test_a_bad_answer_is_refused(left):
    question = followup_consent_give(youth=left, chat_id=left.chat)[0]
    with time_machine.travel(question.due_at, tick=False), pytest.raises(DomainError) as exc:
        followup_answer(question=question, chat_id=left.chat, answer="maybe")
    assert exc.value.code == "answer_invalid"


def test_no_thanks_forgets_the_chat(left):
    followup_consent_decline(youth=left, chat_id=left.chat)
    left.refresh_from_db()
    assert left.followup_chat_id is None
    assert rows(left, K.FOLLOWUP_INVITE).get().status == S.CANCELLED
    with pytest.raises(DomainError):
        followup_consent_give(youth=left, chat_id=left.chat)


def test_nothing_once_erased_but_answers_are_counted(left):
    first, _second, _third = followup_consent_give(youth=left, chat_id=left.chat)
    with time_machine.travel(first.due_at, tick=False):
        followup_answer(question=first, chat_id=left.chat, answer="job")
    youth_erase(youth=left, actor=None)
    left.refresh_from_db()
    assert (left.followup_chat_id, left.followup_consent_at, left.followup_consent_version) == (
        None,
        None,
        "",
    )
    assert (
        not rows(left, K.FOLLOWUP_QUESTION, K.FOLLOWUP_REMINDER).filter(status=S.PENDING).exists()
    )
    assert FollowUp.objects.get(pk=first.pk).answer == "job"


def test_nothing_once_unreachable(left):
    followup_consent_give(youth=left, chat_id=left.chat)
    assert youth_mark_unreachable(youth_id=left.pk, reason="Forbidden: bot was blocked") is True
    assert (
        not rows(left, K.FOLLOWUP_QUESTION, K.FOLLOWUP_REMINDER).filter(status=S.PENDING).exists()
    )
    assert Youth.objects.get(pk=left.pk).unreachable_at is not None
