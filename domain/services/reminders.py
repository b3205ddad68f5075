"""Reminder rules: which reminders an object should have, reconciled with the outbox.

Each ``reminders_sync_<object>`` computes the full set of reminders the object wants now and
upserts them by a stable key, cancelling the object's pending reminders that are no longer
wanted. Services call it after every change, so moving re-times, cancelling cancels, leaving a
group or turning reminders off stops them, and running it twice creates nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from domain.models import (
    Attendance,
    Interest,
    Meeting,
    Municipality,
    OutboxMessage,
    Placement,
    Youth,
    YouthSignup,
)
from domain.services.outbox import (
    STALE_AFTER,
    outbox_cancel,
    outbox_cancel_for_meetings_left,
    outbox_retime_held_pushes,
    outbox_schedule,
    quiet_hours_adjust,
    youth_can_receive,
)
from domain.timeutils import local_date, local_datetime, monday_of
from domain.validators import reminder_rule_problem

Kind = OutboxMessage.Kind
logger = logging.getLogger(__name__)

# Defaults from docs/domain.md; a municipality overrides any key in ``reminder_settings``.
DEFAULT_RULES: dict = {
    "meeting": [{"days_before": 1, "at": "17:00"}, {"hours_before": 2}],
    "event": [{"days_before": 1, "at": "17:00"}, {"hours_before": 2}],
    "intro": [{"days_before": 1, "at": "17:00"}, {"hours_before": 2}],
    "placement_start": [{"days_before": 1, "at": "17:00"}],
    "checkin": {"weekday": 4, "at": "14:00", "weeks_ahead": 4},
}
# A placement starts on a date; reminders measured in hours count from this local time.
PLACEMENT_START_TIME = time(8, 0)

REMINDER_KINDS = (
    Kind.MEETING_REMINDER,
    Kind.EVENT_REMINDER,
    Kind.INTRO_REMINDER,
    Kind.PLACEMENT_START_REMINDER,
    Kind.CHECKIN_PROMPT,
)
# Every kind of message about a group meeting.
MEETING_KINDS = (Kind.MEETING_REMINDER, Kind.MEETING_MOVED, Kind.MEETING_CANCELLED)


def rules_for(municipality: Municipality, name: str):
    """The municipality's rule ``name``, or the default when it has none or an unusable one
    (the admin validates, but rows written before that must not stop reminders for all)."""
    rule = (municipality.reminder_settings or {}).get(name, DEFAULT_RULES[name])
    problem = reminder_rule_problem(name, rule)
    if problem:
        logger.warning("Municipality %s: %s; using the default", municipality.pk, problem)
        return DEFAULT_RULES[name]
    return rule


@dataclass(frozen=True)
class Wanted:
    youth: Youth
    key: str
    due_at: datetime
    # When this one reminder stops being useful, if not when its object begins.
    expires_at: datetime | None = None


def _rule_label(rule: dict) -> str:
    if "hours_before" in rule:
        return f"h{rule['hours_before']}"
    return f"d{rule['days_before']}@{rule['at']}"


def _due(rule: dict, starts_at: datetime, tz_name: str) -> datetime:
    if "hours_before" in rule:
        # In UTC: Python subtracts from a time zone's datetime on the wall clock, which is an
        # hour off across a DST change (a time typed in local time, not yet re-read from the
        # database, arrives here in the municipality's zone).
        return starts_at.astimezone(UTC) - timedelta(hours=float(rule["hours_before"]))
    day = local_date(starts_at, tz_name) - timedelta(days=int(rule["days_before"]))
    return local_datetime(day, time.fromisoformat(rule["at"]), tz_name)


def _wants_reminders(youth: Youth) -> bool:
    return youth.reminders_enabled and youth_can_receive(youth)


def _reconcile(
    *,
    subject,
    kind: str,
    wanted: list[Wanted],
    expires_at: datetime | None,
    payload: dict,
    now: datetime,
    new: bool = False,
    recipient: Youth | None = None,
) -> list[OutboxMessage]:
    """Schedule ``wanted`` and cancel the subject's other messages of ``kind`` (to
    ``recipient`` alone, when the wanted ones are only theirs)."""
    wanted = _one_per_moment(wanted)
    rows = []
    for want in wanted:
        row = outbox_schedule(
            recipient=want.youth,
            kind=kind,
            subject=subject,
            due_at=want.due_at,
            dedupe_key=want.key,
            expires_at=want.expires_at or expires_at,
            payload=payload,
            now=now,
        )
        if row is not None:
            rows.append(row)
    if not new:  # a subject made just now has no earlier messages to take back
        outbox_cancel(
            subject=subject, kinds=[kind], recipient=recipient, keep_keys=[w.key for w in wanted]
        )
    return rows


def _one_per_moment(wanted: list[Wanted]) -> list[Wanted]:
    """Two rules of one object that quiet hours push to the same moment (a "day before" and a
    "2 hours before" both waiting for 08:00) would send the youth the same reminder twice in a
    row: keep the first rule's."""
    seen: set[tuple[int, datetime]] = set()
    kept = []
    for want in wanted:
        moment = quiet_hours_adjust(due_at=want.due_at, municipality=want.youth.municipality)
        if (want.youth.pk, moment) in seen:
            continue
        seen.add((want.youth.pk, moment))
        kept.append(want)
    return kept


def _timed(
    *, prefix: str, rules: list[dict], starts_at: datetime, youth: list[Youth], tz_name: str
) -> list[Wanted]:
    # The key names the object's start: moving the object makes new reminders (the old ones
    # are cancelled, or stay sent), so a reminder already sent for the old time does not stop
    # the one for the new time. Moving it back reuses the original rows.
    at = int(starts_at.timestamp())
    return [
        Wanted(y, f"{prefix}@{at}:y{y.pk}:{_rule_label(rule)}", _due(rule, starts_at, tz_name))
        for y in youth
        if _wants_reminders(y)
        for rule in rules
    ]


def reminders_sync_meeting(
    meeting: Meeting, *, now: datetime | None = None, only: Youth | None = None
) -> list[OutboxMessage]:
    """Reminders for every member of the group who has not said they can't come; ``only``:
    for that one youth, the other members' reminders left as they are (one member's change
    need not re-derive the whole group's)."""
    now = now or timezone.now()
    municipality = meeting.group.municipality
    youth: list[Youth] = []
    if meeting.status == Meeting.Status.SCHEDULED and meeting.starts_at > now:
        excused = Attendance.objects.filter(meeting=meeting, status=Attendance.Status.EXCUSED)
        members = meeting.group.members.filter(status=Youth.Status.ACTIVE)
        if only is not None:
            excused, members = excused.filter(youth=only), members.filter(pk=only.pk)
        excused_ids = set(excused.values_list("youth_id", flat=True))
        youth = [y for y in members.select_related("municipality") if y.pk not in excused_ids]
    wanted = _timed(
        prefix=f"meeting:{meeting.pk}",
        rules=rules_for(municipality, "meeting"),
        starts_at=meeting.starts_at,
        youth=youth,
        tz_name=municipality.timezone,
    )
    return _reconcile(
        subject=meeting,
        kind=Kind.MEETING_REMINDER,
        wanted=wanted,
        expires_at=meeting.starts_at,
        payload={"starts_at": meeting.starts_at.isoformat(), "place": meeting.place},
        now=now,
        recipient=only,
    )


def reminders_sync_signup(
    signup: YouthSignup, *, now: datetime | None = None, new: bool = False
) -> list[OutboxMessage]:
    """Reminders of a match event for a confirmed sign-up; none otherwise. ``new``: the sign-up
    row was made in this transaction, so it has no reminders yet to take back."""
    now = now or timezone.now()
    event = signup.event
    youth = (
        [signup.youth]
        if signup.status == YouthSignup.Status.CONFIRMED
        and event.status == event.Status.PUBLISHED
        and event.starts_at > now
        else []
    )
    wanted = _timed(
        prefix=f"signup:{signup.pk}",
        rules=rules_for(event.municipality, "event"),
        starts_at=event.starts_at,
        youth=youth,
        tz_name=event.municipality.timezone,
    )
    return _reconcile(
        subject=signup,
        kind=Kind.EVENT_REMINDER,
        wanted=wanted,
        expires_at=event.starts_at,
        payload={"event_id": event.pk, "starts_at": event.starts_at.isoformat()},
        now=now,
        new=new,
    )


def reminders_sync_interest(
    interest: Interest, *, now: datetime | None = None
) -> list[OutboxMessage]:
    """Reminders of the intro meeting the company proposed."""
    now = now or timezone.now()
    at = interest.intro_meeting_at
    live = (
        interest.status == Interest.Status.ACCEPTED
        and at is not None
        and at > now
        and interest.intro_cant_come_at is None
    )
    municipality = interest.youth.municipality
    wanted = (
        _timed(
            prefix=f"intro:{interest.pk}",
            rules=rules_for(municipality, "intro"),
            starts_at=at,
            youth=[interest.youth],
            tz_name=municipality.timezone,
        )
        if live
        else []
    )
    return _reconcile(
        subject=interest,
        kind=Kind.INTRO_REMINDER,
        wanted=wanted,
        expires_at=at,
        payload={
            "starts_at": at.isoformat() if at else None,
            "place": interest.intro_meeting_place,
        },
        now=now,
    )


def _checkin_weeks(
    placement: Placement, rule: dict, municipality: Municipality, now: datetime
) -> list[tuple[date, datetime]]:
    """The next ``weeks_ahead`` check-in weeks (their Monday) and moments during the placement,
    from this week on, leaving out weeks the youth has already checked in.

    This week's moment stays wanted after it has passed for as long as the outbox would still
    send it (a prompt waiting for the end of quiet hours, or for a worker a minute late): a
    periodic re-sync must not cancel it.
    """
    tz_name = municipality.timezone
    start_week = monday_of(max(placement.start_date, local_date(now, tz_name)))
    answered = set(placement.checkins.values_list("week", flat=True))
    weeks = []
    for week in range(int(rule.get("weeks_ahead", 4))):
        monday = start_week + timedelta(weeks=week)
        day: date = monday + timedelta(days=int(rule["weekday"]))
        if day < placement.start_date or (placement.end_date and day > placement.end_date):
            continue
        if monday in answered:
            continue
        moment = local_datetime(day, time.fromisoformat(rule["at"]), tz_name)
        if quiet_hours_adjust(due_at=moment, municipality=municipality) >= now - STALE_AFTER:
            weeks.append((monday, moment))
    return weeks


def reminders_sync_placement(
    placement: Placement, *, now: datetime | None = None
) -> list[OutboxMessage]:
    """The start reminder while approved; the weekly check-in prompts while active."""
    now = now or timezone.now()
    youth = placement.youth
    municipality = youth.municipality
    tz_name = municipality.timezone
    starts_at = local_datetime(placement.start_date, PLACEMENT_START_TIME, tz_name)

    start_wanted: list[Wanted] = []
    if placement.status == Placement.Status.APPROVED and starts_at > now:
        start_wanted = _timed(
            prefix=f"placement:{placement.pk}",
            rules=rules_for(municipality, "placement_start"),
            starts_at=starts_at,
            youth=[youth],
            tz_name=tz_name,
        )
    rows = _reconcile(
        subject=placement,
        kind=Kind.PLACEMENT_START_REMINDER,
        wanted=start_wanted,
        expires_at=starts_at,
        payload={"start_date": placement.start_date.isoformat()},
        now=now,
    )

    checkin_wanted: list[Wanted] = []
    if placement.status == Placement.Status.ACTIVE and _wants_reminders(youth):
        rule = rules_for(municipality, "checkin")
        # A prompt is about its week: an answer after the week counts for the next one, so
        # the prompt is no use once the week is over (e.g. quiet hours push a Sunday-evening
        # prompt to Monday morning).
        checkin_wanted = [
            Wanted(
                youth,
                f"checkin:{placement.pk}:{monday}",
                moment,
                expires_at=local_datetime(monday + timedelta(weeks=1), time(0, 0), tz_name),
            )
            for monday, moment in _checkin_weeks(placement, rule, municipality, now)
        ]
    rows += _reconcile(
        subject=placement,
        kind=Kind.CHECKIN_PROMPT,
        wanted=checkin_wanted,
        expires_at=None,
        payload={},
        now=now,
    )
    return rows


def reminders_sync_youth(youth: Youth, *, now: datetime | None = None) -> None:
    """Re-derive every reminder of one youth (reminders toggled, group changed, paused…)."""
    now = now or timezone.now()
    for meeting in Meeting.objects.filter(
        group__in=[youth.group_id] if youth.group_id else [], starts_at__gt=now
    ).select_related("group__municipality"):
        reminders_sync_meeting(meeting, now=now, only=youth)
    # Meetings of groups the youth has left: their reminders for this youth are cancelled, and
    # so is news of them not sent yet (a move or cancellation no longer concerns them).
    outbox_cancel_for_meetings_left(
        youth=youth,
        kinds=MEETING_KINDS,
        keep_meeting_ids=Meeting.objects.filter(group_id=youth.group_id).values("pk"),
        now=now,
    )
    for signup in youth.event_signups.select_related("event__municipality", "youth__municipality"):
        reminders_sync_signup(signup, now=now)
    for interest in youth.interests.filter(status=Interest.Status.ACCEPTED).select_related(
        "youth__municipality"
    ):
        reminders_sync_interest(interest, now=now)
    for placement in youth.placements.filter(
        status__in=[Placement.Status.APPROVED, Placement.Status.ACTIVE]
    ).select_related("youth__municipality"):
        reminders_sync_placement(placement, now=now)


def reminders_sync_active_placements(*, now: datetime | None = None) -> int:
    """Keep the weekly check-in prompts of every active placement scheduled ahead (a periodic
    job: prompts are scheduled a few weeks at a time). Returns how many placements."""
    now = now or timezone.now()
    active = Placement.objects.filter(status=Placement.Status.ACTIVE).select_related(
        "youth__municipality"
    )
    count = 0
    for placement in active.iterator():
        reminders_sync_placement(placement, now=now)
        count += 1
    return count


def reminders_sync_municipality(municipality: Municipality, *, now: datetime | None = None) -> int:
    """Re-derive every coming reminder of one municipality, after its lead times, quiet hours
    or time zone changed (rows already pending keep the times they were given otherwise), and
    re-time the pushed messages quiet hours hold.
    Returns how many objects were synced."""
    now = now or timezone.now()
    objects_and_syncs = [
        (
            Meeting.objects.filter(
                group__municipality=municipality,
                status=Meeting.Status.SCHEDULED,
                starts_at__gt=now,
            ).select_related("group__municipality"),
            reminders_sync_meeting,
        ),
        (
            YouthSignup.objects.filter(
                event__municipality=municipality,
                event__starts_at__gt=now,
                status=YouthSignup.Status.CONFIRMED,
            ).select_related("event__municipality", "youth__municipality"),
            reminders_sync_signup,
        ),
        (
            Interest.objects.filter(
                youth__municipality=municipality,
                status=Interest.Status.ACCEPTED,
                intro_meeting_at__gt=now,
            ).select_related("youth__municipality"),
            reminders_sync_interest,
        ),
        (
            Placement.objects.filter(
                youth__municipality=municipality,
                status__in=[Placement.Status.APPROVED, Placement.Status.ACTIVE],
            ).select_related("youth__municipality"),
            reminders_sync_placement,
        ),
    ]
    count = 0
    for rows, sync in objects_and_syncs:
        for row in rows.iterator():
            sync(row, now=now)
            count += 1
    # News held until the end of the old quiet hours follows the new ones too.
    with transaction.atomic():
        outbox_retime_held_pushes(municipality=municipality, now=now)
    return count
