"""New slots come to the youth (opt-in): when a slot is published, each youth who asked for it
and whom the slot suits (their sectors and hours, when saved) gets it in one message a day.

The day's message is one outbox row per youth and day (``new_slots:<youth>:<date>``), due at
``DIGEST_AT`` local time; a slot published after that moment goes into the next day's row, so
nobody gets more than one such message a day. The outbox applies quiet hours, and the worker
Telegram's rate limits, as for every other message.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from domain.models import NetworkMembership, OutboxMessage, Slot, Youth
from domain.services.outbox import outbox_schedule
from domain.timeutils import local_datetime, to_local

DIGEST_AT = time(16, 0)  # after school and work, well before quiet hours
KIND = OutboxMessage.Kind.NEW_SLOTS
MOST_LISTED = 10  # a message lists at most this many slots ("and N more" for the rest)


def _digest_moment(now: datetime, tz_name: str) -> datetime:
    local = to_local(now, tz_name)
    day = local.date() if local.time() < DIGEST_AT else local.date() + timedelta(days=1)
    return local_datetime(day, DIGEST_AT, tz_name)


def youth_to_alert(*, slot: Slot):
    """Active, reachable youth of the slot's networks who asked for new slots and whom it
    suits: no saved sectors or the slot's among them, no saved hours or within its range."""
    municipality_ids = NetworkMembership.objects.municipality_ids_of(slot.company_id).values(
        "municipality_id"
    )
    return (
        Youth.objects.filter(
            municipality_id__in=municipality_ids,
            slot_alerts=True,
            status=Youth.Status.ACTIVE,
            erased_at__isnull=True,
            telegram_chat_id__isnull=False,
        )
        .filter(Q(sectors__isnull=True) | Q(sectors=slot.sector_id))
        .filter(
            Q(preferred_hours__isnull=True)
            | Q(preferred_hours__gte=slot.hours_min, preferred_hours__lte=slot.hours_max)
        )
        .select_related("municipality")
        .distinct()
    )


def slot_alerts_schedule(*, slot: Slot, now: datetime | None = None) -> int:
    """Put a just-published slot into the day's message of every youth it should reach (in the
    caller's transaction). Returns how many youth."""
    now = now or timezone.now()
    count = 0
    for youth in youth_to_alert(slot=slot):
        due = _digest_moment(now, youth.municipality.timezone)
        key = f"new_slots:{youth.pk}:{to_local(due, youth.municipality.timezone).date()}"
        pending = (
            OutboxMessage.objects.select_for_update()
            .filter(dedupe_key=key, status=OutboxMessage.Status.PENDING)
            .first()
        )
        slots = list(pending.payload.get("slots", [])) if pending else []
        if all(listed.get("id") != slot.pk for listed in slots):
            # What the message shows, so that rendering it needs no query.
            slots.append({"id": slot.pk, "title": slot.title, "company": slot.company.name})
        if pending is None and OutboxMessage.objects.filter(dedupe_key=key).exists():
            continue  # the day's message is out already; nothing is re-sent
        row = outbox_schedule(
            recipient=youth,
            kind=KIND,
            subject=None,
            due_at=due,
            dedupe_key=key,
            payload={"slots": slots},
            now=now,
        )
        count += row is not None
    return count
