"""Whether the bot can reach a youth on Telegram.

Telegram answers 403 when the youth blocked the bot or deleted their account: that is permanent
until the youth opens the bot again, so the worker marks them unreachable (their waiting
messages are cancelled, the scheduler stops adding rows, their consultants see it live), and the
bot marks them reachable again the next time they write.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from domain import events
from domain.audit import audit_log
from domain.exceptions import DomainError, Kind
from domain.locking import lock_for_update
from domain.models import Youth
from domain.services.notify import notify_youth_unreachable
from domain.services.outbox import outbox_cancel_unreachable
from domain.services.reminders import reminders_sync_youth

# What a cancelled row says, so the queue's status page can tell why it was not sent.
CANCELLED_UNREACHABLE = "youth unreachable"
# The audit trail keeps states, never text (docs/architecture.md, "Privacy"): Telegram's
# description ("Forbidden: bot was blocked by the user") becomes one of these words. The
# message's own row keeps the whole error.
REASONS = ("blocked", "deactivated")


def reason_code(reason: str) -> str:
    """Which refusal it was: blocked, deactivated, or "forbidden" for any other 403."""
    text = str(reason).lower()
    return next((word for word in REASONS if word in text), "forbidden")


def _publish(event_type: str, youth: Youth) -> None:
    events.publish(
        event_type, id=youth.pk, municipality_id=youth.municipality_id, youth_id=youth.pk
    )


@transaction.atomic
def youth_mark_unreachable(*, youth_id: int, reason: str, now: datetime | None = None) -> bool:
    """Telegram refused a message to this youth for good (403). Returns True only when the youth
    is newly marked: a second 403 (another worker, another message) changes nothing.

    Runs as the system (the delivery worker). The youth's other waiting messages are cancelled,
    except those a worker is sending right now: their own attempt settles them.
    """
    now = now or timezone.now()
    try:
        youth = lock_for_update(Youth, youth_id)
    except DomainError as error:
        if error.kind == Kind.NOT_FOUND:
            return False
        raise
    # Unlinked, left (unless kept for the follow-up) or erased meanwhile: there is no Telegram
    # account left to be unreachable.
    chat_id = youth.telegram_chat_id or youth.followup_chat_id
    if youth.unreachable_at is not None or chat_id is None or youth.erased_at:
        return False
    youth.unreachable_at = now
    youth.save(update_fields=["unreachable_at"])
    cancelled = outbox_cancel_unreachable(youth=youth, reason=CANCELLED_UNREACHABLE, now=now)
    audit_log(
        actor=None,
        action="youth.unreachable",
        target=youth,
        municipality_id=youth.municipality_id,
        data={"reason": reason_code(reason), "cancelled": cancelled},
        now=now,
    )
    notify_youth_unreachable(youth=youth, now=now)
    _publish("youth.unreachable", youth)
    return True


@transaction.atomic
def youth_mark_reachable(*, youth: Youth, now: datetime | None = None) -> Youth:
    """The youth wrote to the bot again after being unreachable: messages flow again and their
    reminders are derived afresh. The youth is the actor (they opened the bot). Idempotent."""
    now = now or timezone.now()
    locked = lock_for_update(Youth, youth.pk)
    if locked.unreachable_at is not None:
        since = locked.unreachable_at
        locked.unreachable_at = None
        locked.save(update_fields=["unreachable_at"])
        reminders_sync_youth(locked, now=now)
        audit_log(
            actor=locked,
            action="youth.reachable",
            target=locked,
            municipality_id=locked.municipality_id,
            data={"unreachable_since": since.isoformat()},
            now=now,
        )
        _publish("youth.reachable", locked)
    # The caller's instance keeps what it already loaded (the bot's has the municipality).
    youth.unreachable_at = None
    return youth
