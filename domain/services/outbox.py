"""The outbox: rows a worker later delivers to Telegram.

Rows are written in the same transaction as the change that causes them. Scheduling is an
idempotent upsert by ``dedupe_key``; quiet hours are applied here, once, for every message.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from uuid import uuid4

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from domain import events
from domain.models import Municipality, OutboxMessage, Youth
from domain.selectors.outbox import PUSHED_KINDS
from domain.timeutils import local_datetime, to_local, zone

Kind = OutboxMessage.Kind
STALE_AFTER = timedelta(minutes=5)
Status = OutboxMessage.Status


def _in_quiet_hours(local: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # the window wraps midnight (21:00–08:00)


def quiet_hours_adjust(*, due_at: datetime, municipality: Municipality) -> datetime:
    """Move a time that falls in the municipality's quiet hours to the end of them.

    The window is local wall-clock time (21:00–08:00 by default; a start equal to the end means
    no quiet hours). Its end is found on the local calendar, so on a DST-change night it is
    still 08:00 local, whatever the night's length.
    """
    start, end = municipality.quiet_hours_start, municipality.quiet_hours_end
    if isinstance(start, str):  # unsaved instance with the string default
        start, end = time.fromisoformat(start), time.fromisoformat(end)
    local = to_local(due_at, municipality.timezone)
    if not _in_quiet_hours(local.time(), start, end):
        return due_at
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)
    moved = local_datetime(day, end, municipality.timezone).astimezone(UTC)
    if moved <= due_at:
        # An end inside the hour repeated in autumn, reached from its second run: the first
        # run is already behind us, so the window ends at the second.
        second = datetime.combine(day, end, tzinfo=zone(municipality.timezone)).replace(fold=1)
        moved = second.astimezone(UTC)
    return moved


# What may still reach a youth who has left: the follow-up asked for when leaving, and only
# in the chat kept for it.
FOLLOWUP_KINDS = frozenset(
    {
        OutboxMessage.Kind.FOLLOWUP_INVITE,
        OutboxMessage.Kind.FOLLOWUP_QUESTION,
        OutboxMessage.Kind.FOLLOWUP_REMINDER,
    }
)


def youth_can_receive(youth: Youth, kind: str | None = None) -> bool:
    """Linked, consenting, still in the programme, and not refused by Telegram (403: blocked or
    deactivated; see domain.services.reachability), so no rows pile up for someone unreachable.

    A follow-up (``kind`` in ``FOLLOWUP_KINDS``) goes to a youth who has left, in the chat kept
    for it; its question and reminder only once they accepted being asked."""
    if kind in FOLLOWUP_KINDS:
        return (
            youth.status == Youth.Status.LEFT
            and youth.followup_chat_id is not None
            and youth.unreachable_at is None
            and youth.erased_at is None
            and (
                kind == OutboxMessage.Kind.FOLLOWUP_INVITE or youth.followup_consent_at is not None
            )
        )
    return (
        youth.telegram_chat_id is not None
        and youth.unreachable_at is None
        and youth.erased_at is None
        and youth.consent_at is not None
        and youth.status != Youth.Status.LEFT
    )


def outbox_schedule(
    *,
    recipient: Youth,
    kind: str,
    subject: models.Model | None,
    due_at: datetime,
    dedupe_key: str,
    expires_at: datetime | None = None,
    payload: dict | None = None,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """Create or re-time the message ``dedupe_key``. Returns the row, or None when the youth
    cannot receive messages. A message already sent or failed is left alone."""
    now = now or timezone.now()
    if not youth_can_receive(recipient, kind):
        return None
    municipality = recipient.municipality
    # Quiet hours first: a reminder due at 07:30 waits for 08:00, and a re-sync at 07:40 must
    # not mistake it for one whose moment has passed.
    adjusted = quiet_hours_adjust(due_at=due_at, municipality=municipality)
    # A reminder whose moment has passed (the meeting was created or moved late) is not sent
    # late, and is recorded at the moment it was due; one pushed by quiet hours past its
    # object's start is useless.
    stale = adjusted < now - STALE_AFTER
    due = (
        adjusted
        if stale
        else quiet_hours_adjust(due_at=max(adjusted, now), municipality=municipality)
    )
    useless = stale or (expires_at is not None and due >= expires_at)
    status = Status.SKIPPED if useless else Status.PENDING
    # Compared by id below: reading ``row.recipient`` would fetch the youth again per row.
    values = {
        "recipient_id": recipient.pk,
        "kind": kind,
        "content_type_id": ContentType.objects.get_for_model(subject).pk if subject else None,
        "object_id": subject.pk if subject else None,
        "payload": payload or {},
        "due_at": due,
        "expires_at": expires_at,
        "status": status,
        "last_error": ("already past" if stale else "quiet hours") if useless else "",
    }
    row = OutboxMessage.objects.select_for_update().filter(dedupe_key=dedupe_key).first()
    if row is None:
        row = OutboxMessage.objects.create(dedupe_key=dedupe_key, **values)
    elif row.status in (Status.PENDING, Status.CANCELLED, Status.SKIPPED):
        changed = [k for k, v in values.items() if getattr(row, k) != v]
        if changed:
            for key in changed:
                setattr(row, key, values[key])
            row.save(update_fields=[*changed, "updated_at"])
    else:
        return row
    if row.status == Status.PENDING:
        events.publish("outbox.enqueued", id=row.pk, due_at=row.due_at.isoformat())
    return row


def outbox_push(
    *,
    recipient: Youth,
    kind: str,
    subject: models.Model | None,
    payload: dict | None = None,
    dedupe_key: str | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """A message due now (or at the end of quiet hours): company answered, placement approved…

    ``expires_at``: news that is no use after a moment (a meeting's cancellation once the
    meeting would have begun) is skipped rather than sent after it."""
    now = now or timezone.now()
    key = dedupe_key or f"{kind}:{recipient.pk}:{uuid4().hex}"
    return outbox_schedule(
        recipient=recipient,
        kind=kind,
        subject=subject,
        due_at=now,
        dedupe_key=key,
        expires_at=expires_at,
        payload=payload,
        now=now,
    )


def outbox_is_pending(*, dedupe_key: str) -> bool:
    """Is the message ``dedupe_key`` still waiting to be sent (claimed or not)?"""
    return OutboxMessage.objects.filter(dedupe_key=dedupe_key, status=Status.PENDING).exists()


def outbox_cancel(
    *,
    subject: models.Model,
    kinds: Iterable[str] | None = None,
    recipient: Youth | None = None,
    keep_keys: Iterable[str] = (),
) -> int:
    """Cancel the pending messages about ``subject`` (optionally of some kinds, to one youth),
    except those whose key is in ``keep_keys``. Returns how many were cancelled."""
    rows = OutboxMessage.objects.filter(
        OutboxMessage.subject_filter(subject), status=Status.PENDING
    )
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    keep = list(keep_keys)
    if keep:
        rows = rows.exclude(dedupe_key__in=keep)
    return rows.update(status=Status.CANCELLED, updated_at=timezone.now())


def outbox_withdraw_untold(*, subject: models.Model, now: datetime, **filters) -> dict | None:
    """Cancel ("superseded") the pending messages about ``subject`` matching ``filters`` that no
    worker has claimed or begun to send, and return the payload of the first of them, or None
    when there were none. A message a worker holds counts as told."""
    rows = list(
        OutboxMessage.objects.select_for_update()
        .filter(
            OutboxMessage.subject_filter(subject),
            status=Status.PENDING,
            send_started_at__isnull=True,
            **filters,
        )
        .filter(models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now))
        .order_by("pk")
    )
    if not rows:
        return None
    OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
        status=Status.CANCELLED, last_error="superseded", updated_at=now
    )
    return rows[0].payload


def outbox_cancel_for_youth(*, youth: Youth) -> int:
    """Cancel everything still waiting for one youth (left, erased, unlinked)."""
    return OutboxMessage.objects.filter(recipient=youth, status=Status.PENDING).update(
        status=Status.CANCELLED, updated_at=timezone.now()
    )


def outbox_cancel_unreachable(*, youth: Youth, reason: str, now: datetime) -> int:
    """Cancel what waits for a youth Telegram refuses to reach, with ``reason`` as the row's
    error; a message a worker is sending right now is left to its worker."""
    being_sent = models.Q(claimed_until__gt=now) & ~models.Q(claimed_by="")
    return (
        OutboxMessage.objects.filter(recipient=youth, status=Status.PENDING)
        .exclude(being_sent)
        .update(status=Status.CANCELLED, last_error=reason, claimed_until=None, updated_at=now)
    )


def outbox_cancel_for_meetings_left(
    *, youth: Youth, kinds: Iterable[str], keep_meeting_ids: models.QuerySet, now: datetime
) -> int:
    """Cancel a youth's pending messages of ``kinds`` about meetings other than
    ``keep_meeting_ids`` (the meetings of a group they have left concern them no longer)."""
    return (
        OutboxMessage.objects.filter(recipient=youth, kind__in=list(kinds), status=Status.PENDING)
        .exclude(object_id__in=keep_meeting_ids)
        .update(status=Status.CANCELLED, updated_at=now)
    )


def outbox_forget_payloads(*, youth: Youth, now: datetime) -> int:
    """Empty the payloads of every message to a youth being erased (names, places, texts);
    the rows stay, without personal data, for the delivery statistics."""
    return OutboxMessage.objects.filter(recipient=youth).update(payload={}, updated_at=now)


def outbox_skip_overdue(*, due_before: datetime, reason: str = "overdue") -> int:
    """Mark pending messages due before ``due_before`` as skipped instead of sending them late
    (after a long outage, or for history loaded with past times)."""
    return OutboxMessage.objects.filter(status=Status.PENDING, due_at__lt=due_before).update(
        status=Status.SKIPPED, last_error=reason, updated_at=timezone.now()
    )


def outbox_retime(
    *, message_id: int, due_at: datetime, expires_at: datetime | None, now: datetime | None = None
) -> None:
    """An operator moves a message's time or expiry by hand (the admin). Only those are written:
    the delivery state stays what the worker made it, even if it changed meanwhile."""
    OutboxMessage.objects.filter(pk=message_id).update(
        due_at=due_at, expires_at=expires_at, updated_at=now or timezone.now()
    )


def outbox_retime_held_pushes(*, municipality: Municipality, now: datetime | None = None) -> int:
    """Pushed messages of ``municipality``'s youth that quiet hours hold, re-timed under its quiet
    hours as they are now (after a change in the admin), as reminders are: each is due at the
    moment it was pushed or now, whichever is later, moved to the end of the quiet hours if it
    falls inside them, and skipped if that is past its expiry. Rows a worker holds or has tried
    keep their own time. Returns how many rows changed."""
    now = now or timezone.now()
    rows = (
        OutboxMessage.objects.select_for_update()
        .filter(
            recipient__municipality=municipality,
            status=Status.PENDING,
            kind__in=PUSHED_KINDS,
            due_at__gt=now,
            attempts=0,
            send_started_at__isnull=True,
        )
        .filter(models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now))
    )
    changed = 0
    for row in rows:
        due = quiet_hours_adjust(due_at=max(row.created_at, now), municipality=municipality)
        if due == row.due_at:
            continue
        row.due_at = due
        if row.expires_at is not None and due >= row.expires_at:
            row.status, row.last_error = Status.SKIPPED, "quiet hours"
        row.save(update_fields=["due_at", "status", "last_error", "updated_at"])
        if row.status == Status.PENDING:
            events.publish("outbox.enqueued", id=row.pk, due_at=row.due_at.isoformat())
        changed += 1
    return changed
