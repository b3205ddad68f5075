"""Nobody left waiting: an interest the company has not answered is chased, step by step, on
working days (weekends and Danish public holidays skipped; ``domain.timeutils``), with lead
times per municipality (``Municipality.answer_*_days``, by default 3, 5 and 15):

1. after ``answer_reminder_days`` the company's members get a reminder e-mail;
2. after ``answer_alert_days`` the youth's consultant is alerted (the dashboard lists the
   interest, and an e-mail goes out), and the youth is told kindly that their consultant
   knows, with buttons to keep waiting or to withdraw;
3. after ``answer_close_days`` the interest closes by itself (``expired``); the youth and the
   company are told.

``interests_chase_unanswered`` runs with the periodic jobs (``housekeeping``); each step is
idempotent (a dedupe key, ``overdue_at``, the state), so running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from domain import events
from domain.audit import audit_log
from domain.exceptions import invalid_state
from domain.locking import lock_and_refresh
from domain.models import Interest, OutboxMessage
from domain.policy import require_youth
from domain.services.notify import (
    notify_interest_closed,
    notify_interest_overdue,
    notify_interest_unanswered,
)
from domain.services.outbox import outbox_push
from domain.services.reminders import reminders_sync_interest
from domain.timeutils import working_days_later

Kind = OutboxMessage.Kind
Status = Interest.Status


@dataclass(frozen=True)
class Deadlines:
    remind_at: datetime
    alert_at: datetime
    close_at: datetime


def interest_deadlines(interest: Interest) -> Deadlines:
    """When this interest's company is reminded, its consultant alerted, and it closes."""
    municipality = interest.youth.municipality
    tz = municipality.timezone

    def later(days: int) -> datetime:
        return working_days_later(interest.created_at, days, tz)

    return Deadlines(
        remind_at=later(municipality.answer_reminder_days),
        alert_at=later(municipality.answer_alert_days),
        close_at=later(municipality.answer_close_days),
    )


def interests_chase_unanswered(*, now: datetime | None = None) -> dict[str, int]:
    """Take every unanswered interest one step further where its time has come."""
    now = now or timezone.now()
    done = {"reminded": 0, "alerted": 0, "closed": 0}
    # No lead time is shorter than a working day, so younger interests need no look.
    waiting = (
        Interest.objects.filter(status=Status.PENDING, created_at__lte=now - timedelta(days=1))
        .select_related("youth__municipality", "slot__company")
        .order_by("created_at", "pk")
    )
    for interest in waiting:
        deadlines = interest_deadlines(interest)
        if now >= deadlines.close_at:
            done["closed"] += interest_expire(interest=interest, now=now)
        elif now >= deadlines.alert_at:
            done["alerted"] += _alert(interest, now)
        elif now >= deadlines.remind_at:
            done["reminded"] += _remind(interest, now)
    return done


def _working_days(interest: Interest, step: str) -> int:
    return getattr(interest.youth.municipality, f"answer_{step}_days")


@transaction.atomic
def _remind(interest: Interest, now: datetime) -> int:
    lock_and_refresh(interest)
    if interest.status != Status.PENDING:
        return 0
    notify_interest_unanswered(interest=interest, days=_working_days(interest, "reminder"), now=now)
    return 1


@transaction.atomic
def _alert(interest: Interest, now: datetime) -> int:
    lock_and_refresh(interest)
    if interest.status != Status.PENDING or interest.overdue_at is not None:
        return 0
    interest.overdue_at = now
    interest.save(update_fields=["overdue_at"])
    days = _working_days(interest, "alert")
    # A reminder the company never got (the job did not run between the two times) is still
    # worth sending with the alert.
    notify_interest_unanswered(interest=interest, days=days, now=now)
    notify_interest_overdue(interest=interest, days=days, now=now)
    _tell_youth_and_record(
        interest, Kind.INTEREST_WAITING, "interest.overdue", "interest.overdue", days, now
    )
    return 1


@transaction.atomic
def interest_expire(*, interest: Interest, now: datetime | None = None) -> int:
    """Close an interest nobody answered (the system acts). 1 if it closed now, else 0."""
    now = now or timezone.now()
    lock_and_refresh(interest)
    if interest.status != Status.PENDING:
        return 0
    days = _working_days(interest, "close")
    interest.status = Status.EXPIRED
    interest.decided_at = now
    interest.save(update_fields=["status", "decided_at"])
    reminders_sync_interest(interest, now=now)
    notify_interest_closed(interest=interest, days=days, now=now)
    _tell_youth_and_record(
        interest, Kind.INTEREST_CLOSED, "interest.expire", "interest.expired", days, now
    )
    return 1


def _tell_youth_and_record(
    interest: Interest, kind: str, action: str, event_type: str, days: int, now: datetime
) -> None:
    """What both steps the system takes on an unanswered interest end with: the youth's message
    (once per interest and kind), the audit entry (the system acts) and the live event."""
    outbox_push(
        recipient=interest.youth,
        kind=kind,
        subject=interest,
        payload={"interest_id": interest.pk, "days": days},
        dedupe_key=f"{kind}:{interest.pk}",
        now=now,
    )
    audit_log(
        actor=None,
        action=action,
        target=interest,
        municipality_id=interest.youth.municipality_id,
        data={"days": days},
        now=now,
    )
    events.publish(event_type, **events.subject_ids(interest))


@transaction.atomic
def interest_keep_waiting(
    *, interest: Interest, actor: object, now: datetime | None = None
) -> Interest:
    """The youth answers "I'll keep waiting" to the message that their consultant knows."""
    now = now or timezone.now()
    require_youth(actor, interest.youth)
    lock_and_refresh(interest)
    if interest.status != Status.PENDING:
        raise invalid_state(_("This interest is no longer waiting for an answer."))
    interest.keep_waiting_at = now
    interest.save(update_fields=["keep_waiting_at"])
    events.publish("interest.kept_waiting", **events.subject_ids(interest))
    return interest
