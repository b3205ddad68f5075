"""The delivery queue at a glance, for operators (``manage.py outbox_status``, the admin page).

Three queries however many rows and municipalities: the municipalities, one grouped aggregate
of the outbox (conditional counts) and one of the unreachable youth. The pending rows are split
the way the worker leaves them (see worker/loop.py): due now, being sent (a live claim), waiting
to retry (no claim, a retry time ahead), held until quiet hours end (a late row the worker put
back until the morning) and scheduled later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from domain.models import Municipality, OutboxMessage, Youth

Status = OutboxMessage.Status
SENT_RECENTLY = timedelta(hours=24)

# The worker's last_error prefixes of a failed row (domain.services.reachability and the
# worker contract); anything else counts as "other".
FAILED_REASONS = {
    "forbidden": "forbidden: ",
    "bad_request": "bad request: ",
    "gave_up": "gave up after ",
    # The SMTP server refused the address or the message for good (worker.email).
    "refused": "refused: ",
}
# The exact last_error of a skipped row: the scheduler sets the first two, the worker the rest.
SKIPPED_REASONS = {
    "quiet_hours": "quiet hours",
    "already_past": "already past",
    "expired": "expired before sending",
    "overdue": "overdue",
}
PENDING_STATES = ("due_now", "being_sent", "waiting_retry", "held_quiet_hours", "scheduled_later")
# What the worker writes on a late row it holds back until the municipality's morning.
HELD_FOR_QUIET_HOURS = "quiet hours"


def _conditions(now: datetime) -> dict[str, Q]:
    pending = Q(status=Status.PENDING)
    leased = Q(claimed_until__gt=now)
    claimed = leased & ~Q(claimed_by="")
    # A lapsed lease (a crashed worker) makes the row anybody's again: due, not being sent.
    free = ~leased | Q(claimed_until__isnull=True)
    waiting = pending & leased & Q(claimed_by="")
    held = Q(last_error__startswith=HELD_FOR_QUIET_HOURS)
    failed = Q(status=Status.FAILED)
    skipped = Q(status=Status.SKIPPED)
    conditions = {
        "due_now": pending & free & Q(due_at__lte=now),
        "being_sent": pending & claimed,
        "waiting_retry": waiting & ~held,
        "held_quiet_hours": waiting & held,
        "scheduled_later": pending & free & Q(due_at__gt=now),
        "sent_last_24h": Q(status=Status.SENT, sent_at__gte=now - SENT_RECENTLY),
        "sent_total": Q(status=Status.SENT),
        "cancelled": Q(status=Status.CANCELLED),
        # Sent, but Telegram's answer never came: apart from the failures, which were not
        # received.
        "delivery_unknown": Q(status=Status.UNKNOWN),
    }
    known_failed = Q()
    for key, prefix in FAILED_REASONS.items():
        conditions[f"failed_{key}"] = failed & Q(last_error__startswith=prefix)
        known_failed |= Q(last_error__startswith=prefix)
    conditions["failed_other"] = failed & ~known_failed
    conditions["skipped_other"] = skipped & ~Q(last_error__in=list(SKIPPED_REASONS.values()))
    for key, text in SKIPPED_REASONS.items():
        conditions[f"skipped_{key}"] = skipped & Q(last_error=text)
    return conditions


def _empty() -> dict:
    return {
        **dict.fromkeys(PENDING_STATES, 0),
        "sent_last_24h": 0,
        "sent_total": 0,
        "failed": {**dict.fromkeys(FAILED_REASONS, 0), "other": 0, "total": 0},
        "skipped": {**dict.fromkeys(SKIPPED_REASONS, 0), "other": 0, "total": 0},
        "cancelled": 0,
        "delivery_unknown": 0,
        "possible_duplicates": 0,
        "oldest_due_at": None,
        "lag_seconds": None,
        "unreachable_youth": 0,
    }


def _fill(counts: dict, row: dict, now: datetime) -> None:
    for key in (*PENDING_STATES, "sent_last_24h", "sent_total", "cancelled", "delivery_unknown"):
        counts[key] = row[key]
    for group, reasons in (("failed", FAILED_REASONS), ("skipped", SKIPPED_REASONS)):
        for reason in (*reasons, "other"):
            counts[group][reason] = row[f"{group}_{reason}"]
        counts[group]["total"] = sum(v for k, v in counts[group].items() if k != "total")
    counts["possible_duplicates"] = row["possible_duplicates"] or 0
    oldest = row["oldest_due_at"]
    counts["oldest_due_at"] = oldest
    counts["lag_seconds"] = None if oldest is None else max(0, int((now - oldest).total_seconds()))


def _add(total: dict, part: dict) -> None:
    for key, value in part.items():
        if isinstance(value, dict):
            _add(total[key], value)
        elif key in ("oldest_due_at", "lag_seconds"):
            # Overall, the oldest row anywhere: the earliest time, the longest lag.
            known = [v for v in (total[key], value) if v is not None]
            total[key] = (min if key == "oldest_due_at" else max)(known) if known else None
        else:
            total[key] += value


def municipality_for_operator(value: str) -> Municipality | None:
    """The municipality an operator names on the command line: its slug, or its id."""
    value = value.strip()
    found = Municipality.objects.filter(slug=value).first()
    if found is None and value.isdigit() and len(value) < 19:
        found = Municipality.objects.filter(pk=int(value)).first()
    return found


def outbox_queue_summary(
    *, now: datetime | None = None, municipality: Municipality | None = None
) -> dict:
    """Counts of the outbox overall and per municipality (all of them, or the one given).

    ``{"generated_at", "overall": {...}, "municipalities": [{"id", "slug", "name", ...}]}``;
    each block holds ``due_now``, ``being_sent``, ``waiting_retry``, ``held_quiet_hours``,
    ``scheduled_later``,
    ``sent_last_24h``, ``sent_total``, ``failed`` and ``skipped`` by reason (with ``total``),
    ``delivery_unknown`` (sent, no answer: may have arrived; not counted as failed),
    ``cancelled``, ``possible_duplicates`` (their sum), ``oldest_due_at`` / ``lag_seconds``
    (the oldest row due now and not claimed: how far behind the worker is) and
    ``unreachable_youth``. ``email`` is the block of the e-mails to portal users (in
    ``overall`` too; None when one municipality is asked for).
    """
    now = now or timezone.now()
    municipalities = Municipality.objects.order_by("name", "pk")
    rows = OutboxMessage.objects.order_by()
    youth = Youth.objects.filter(unreachable_at__isnull=False, erased_at__isnull=True).order_by()
    if municipality is not None:
        municipalities = municipalities.filter(pk=municipality.pk)
        rows = rows.filter(recipient__municipality_id=municipality.pk)
        youth = youth.filter(municipality_id=municipality.pk)

    conditions = _conditions(now)
    aggregates = {key: Count("pk", filter=condition) for key, condition in conditions.items()}
    per_municipality = {
        row["recipient__municipality_id"]: row
        for row in rows.values("recipient__municipality_id").annotate(
            **aggregates,
            possible_duplicates=Sum("possible_duplicates"),
            oldest_due_at=Min("due_at", filter=conditions["due_now"]),
        )
    }
    unreachable = {
        row["municipality_id"]: row["n"]
        for row in youth.values("municipality_id").annotate(n=Count("pk"))
    }

    overall = _empty()
    blocks = []
    for place in municipalities.values("pk", "slug", "name"):
        counts = _empty()
        row = per_municipality.get(place["pk"])
        if row is not None:
            _fill(counts, row, now)
        counts["unreachable_youth"] = unreachable.get(place["pk"], 0)
        _add(overall, counts)
        blocks.append({"id": place["pk"], "slug": place["slug"], "name": place["name"], **counts})
    # E-mail rows (to portal users) belong to no municipality: they group under None.
    email = None
    if municipality is None:
        email = _empty()
        if None in per_municipality:
            _fill(email, per_municipality[None], now)
        _add(overall, email)
    return {"generated_at": now, "overall": overall, "municipalities": blocks, "email": email}


# --- Pushed messages held by quiet hours ---------------------------------------------------------

Kind = OutboxMessage.Kind
# News due the moment it happens (as opposed to reminders, timed before their object): quiet
# hours hold these until morning, and the page that caused one says so.
PUSHED_KINDS = (
    Kind.INTEREST_ACCEPTED,
    Kind.INTEREST_DECLINED,
    Kind.PLACEMENT_APPROVED,
    Kind.PLACEMENT_REJECTED,
    Kind.WAITLIST_PROMOTED,
    Kind.MEETING_MOVED,
    Kind.MEETING_CANCELLED,
    Kind.EVENT_CANCELLED,
    Kind.CONSULTANT_MESSAGE,
)
# Due later than this counts as held, not as on its way.
HELD_AFTER = timedelta(minutes=1)


def _held(now: datetime | None):
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        status=Status.PENDING, kind__in=PUSHED_KINDS, due_at__gt=now + HELD_AFTER
    ).select_related("recipient__municipality")


def held_pushes_about(*, subject, now: datetime | None = None) -> list[OutboxMessage]:
    """The pushed messages about ``subject`` that quiet hours hold (for the page that just
    caused them: "Asta gets the message at 8.00")."""
    return list(_held(now).filter(OutboxMessage.subject_filter(subject)).order_by("due_at", "pk"))


def held_pushes_for_youth(*, youth: Youth, now: datetime | None = None) -> list[OutboxMessage]:
    """One youth's pushed messages that quiet hours hold, for their timeline."""
    return list(_held(now).filter(recipient=youth).order_by("due_at", "pk"))


def youth_message_counts(*, youth: Youth) -> dict[str, int]:
    """How the bot's messages to one youth went, for their consultant (who already may see the
    youth): ``sent``, ``waiting`` (not sent yet), ``delivery_unknown`` (sent, never answered:
    they may well have it), ``not_received`` (failed). One query."""
    counts = (
        OutboxMessage.objects.filter(recipient=youth)
        .order_by()
        .aggregate(
            sent=Count("pk", filter=Q(status=Status.SENT)),
            waiting=Count("pk", filter=Q(status=Status.PENDING)),
            delivery_unknown=Count("pk", filter=Q(status=Status.UNKNOWN)),
            not_received=Count("pk", filter=Q(status=Status.FAILED)),
        )
    )
    return {key: value or 0 for key, value in counts.items()}
