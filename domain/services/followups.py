"""Asking afterwards, kindly: when a youth leaves, the bot asks once whether it may ask again;
if they accept (one button: its own consent purpose and version), it asks one question with
buttons some months later (3, 6 and 12 by default, per municipality), through the outbox, so
quiet hours and Telegram's limits apply. No answer is no answer: a single reminder at most, and
nothing once they are erased or unreachable.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import policy
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_for_update
from domain.models import FollowUp, FollowUpAnswer, OutboxMessage, Youth
from domain.services.outbox import outbox_cancel, outbox_push, outbox_schedule
from domain.timeutils import local_date, local_datetime

Kind = OutboxMessage.Kind

# The question is asked at this local time on its day (quiet hours permitting), the reminder a
# week later if there is no answer, and neither is sent once the question is a month old.
ASK_AT = time(10, 0)
REMINDER_AFTER = timedelta(days=7)
USEFUL_FOR = timedelta(days=30)

_CLOSED = _("This question is closed.")


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def followup_offer(*, youth: Youth, chat_id: int | None, now: datetime) -> bool:
    """Called by ``youth_leave`` (inside its transaction) with the chat the youth had: keep it
    for the follow-up and ask once whether we may ask later. Nothing when the municipality has
    follow-ups off or the youth was never reachable. Returns whether the offer was queued."""
    if (
        chat_id is None
        or not youth.municipality.followup_months
        or youth.consent_at is None
        or youth.unreachable_at is not None
    ):
        return False
    youth.followup_chat_id = chat_id
    youth.save(update_fields=["followup_chat_id"])
    row = outbox_push(
        recipient=youth,
        kind=Kind.FOLLOWUP_INVITE,
        subject=youth,
        dedupe_key=f"followup_invite:{youth.pk}",
        expires_at=now + USEFUL_FOR,
        payload={"months": list(youth.municipality.followup_months)},
        now=now,
    )
    return row is not None


def _require_own_chat(youth: Youth, chat_id: int) -> Youth:
    """The follow-up's buttons work only in the chat kept for them (a hint from Telegram: the
    data is re-checked here, never trusted)."""
    if (
        youth.erased_at is not None
        or youth.status != Youth.Status.LEFT
        or youth.followup_chat_id is None
        or youth.followup_chat_id != chat_id
    ):
        raise policy.not_found()
    return youth


@transaction.atomic
def followup_consent_give(
    *, youth: Youth, chat_id: int, version: str | None = None, now: datetime | None = None
) -> list[FollowUp]:
    """The youth accepts being asked later: the consent (its own version) and one question per
    month of the municipality's ``followup_months``, each queued in the outbox with at most one
    reminder. Accepting twice changes nothing. Returns the questions."""
    now = now or timezone.now()
    youth = _require_own_chat(lock_for_update(Youth, youth.pk), chat_id)
    if youth.followup_consent_at is not None:
        return list(youth.followups.all())
    version = version or settings.NEXTWORK_FOLLOWUP_CONSENT_VERSION
    if not version:
        raise DomainError(_("Please accept the terms first."), code="consent_invalid")
    youth.followup_consent_version = version
    youth.followup_consent_at = now
    youth.save(update_fields=["followup_consent_version", "followup_consent_at"])
    tz_name = youth.municipality.timezone
    left_on = local_date(youth.left_at or now, tz_name)
    questions = []
    for months in sorted(youth.municipality.followup_months):
        due_at = local_datetime(add_months(left_on, months), ASK_AT, tz_name)
        question = FollowUp.objects.create(youth=youth, months=months, due_at=due_at)
        _schedule(question, now=now)
        questions.append(question)
    audit_log(
        actor=youth,
        action="youth.followup_consent",
        target=youth,
        municipality_id=youth.municipality_id,
        data={"version": version, "months": [q.months for q in questions]},
        now=now,
    )
    return questions


def _schedule(question: FollowUp, *, now: datetime) -> None:
    expires = question.due_at + USEFUL_FOR
    for kind, due_at in (
        (Kind.FOLLOWUP_QUESTION, question.due_at),
        (Kind.FOLLOWUP_REMINDER, question.due_at + REMINDER_AFTER),
    ):
        outbox_schedule(
            recipient=question.youth,
            kind=kind,
            subject=question,
            due_at=due_at,
            dedupe_key=f"{kind}:{question.pk}",
            expires_at=expires,
            payload={"months": question.months},
            now=now,
        )


@transaction.atomic
def followup_consent_decline(*, youth: Youth, chat_id: int, now: datetime | None = None) -> Youth:
    """ "No thanks": the chat kept for the follow-up is forgotten and nothing more is sent."""
    now = now or timezone.now()
    youth = _require_own_chat(lock_for_update(Youth, youth.pk), chat_id)
    if youth.followup_consent_at is not None:
        raise invalid_state(_CLOSED)
    youth.followup_chat_id = None
    youth.save(update_fields=["followup_chat_id"])
    outbox_cancel(subject=youth, kinds=[Kind.FOLLOWUP_INVITE])
    audit_log(
        actor=youth,
        action="youth.followup_decline",
        target=youth,
        municipality_id=youth.municipality_id,
        now=now,
    )
    return youth


def clean_followup_answer(value: object) -> str:
    if value not in FollowUpAnswer.values:
        raise DomainError(_("Choose one of the buttons."), code="answer_invalid", field="answer")
    return str(value)


@transaction.atomic
def followup_answer(
    *, question: FollowUp, chat_id: int, answer: str, now: datetime | None = None
) -> FollowUp:
    """The youth's answer (a category, so it stays for the counts after erasure); the reminder
    is cancelled. Answering again changes the answer while the question is open."""
    now = now or timezone.now()
    answer = clean_followup_answer(answer)
    question = lock_for_update(FollowUp, question.pk)
    youth = _require_own_chat(question.youth, chat_id)
    if question.due_at > now or now > question.due_at + USEFUL_FOR:
        raise invalid_state(_CLOSED)
    question.answer = answer
    question.answered_at = now
    question.save(update_fields=["answer", "answered_at"])
    outbox_cancel(subject=question, kinds=[Kind.FOLLOWUP_REMINDER])
    audit_log(
        actor=youth,
        action="followup.answer",
        target=question,
        municipality_id=youth.municipality_id,
        data={"months": question.months, "answer": answer},
        now=now,
    )
    return question


def followups_forget(*, youth: Youth) -> None:
    """Erasure: the consent and the chat go; answers stay as categories (counted, not
    identified). Runs inside the erasure's transaction; the outbox rows are cancelled there."""
    youth.followup_consent_version = ""
    youth.followup_consent_at = None
    youth.followup_chat_id = None
