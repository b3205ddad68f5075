"""One youth's history for their consultant: interests, placements (with check-ins and
follow-up notes), event sign-ups, group attendance and the messages between the youth and
their consultants, newest first. Reading it is a read of the youth's record, so it is audited
(through ``youth_get_for_user``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

from domain.models import (
    Attendance,
    CheckIn,
    FollowUpNote,
    Interest,
    OutboxMessage,
    Placement,
    Youth,
    YouthMessage,
    YouthSignup,
)
from domain.selectors.conversation import messages_of_youth
from domain.selectors.outbox import held_pushes_for_youth
from domain.selectors.placements import INTEREST_RELATED, PLACEMENT_RELATED
from domain.selectors.youth import youth_get_for_user


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    # "interest", "placement", "checkin", "note", "signup", "attendance", "message", "held"
    kind: str
    item: object


@dataclass
class YouthTimeline:
    youth: Youth
    interests: list[Interest] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    signups: list[YouthSignup] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    messages: list[YouthMessage] = field(default_factory=list)
    entries: list[TimelineEntry] = field(default_factory=list)


def youth_timeline(*, user: object, youth_id: int, now: datetime | None = None) -> YouthTimeline:
    """The youth's history for staff who may see them (else ``not_found``); a fixed number of
    queries. Each placement carries ``timeline_checkins`` and ``timeline_notes``."""
    youth = youth_get_for_user(user=user, youth_id=youth_id, now=now)
    interests = list(
        Interest.objects.filter(youth=youth).select_related(*INTEREST_RELATED).order_by("-pk")
    )
    placements = list(
        Placement.objects.filter(youth=youth)
        .select_related(*PLACEMENT_RELATED)
        .prefetch_related(
            Prefetch(
                "checkins", queryset=CheckIn.objects.order_by("-week"), to_attr="timeline_checkins"
            ),
            Prefetch(
                "notes",
                queryset=FollowUpNote.objects.select_related("author").order_by("-created_at"),
                to_attr="timeline_notes",
            ),
        )
        .order_by("-created_at", "-pk")
    )
    signups = list(
        YouthSignup.objects.filter(youth=youth)
        .select_related("event")
        .order_by("-event__starts_at", "-pk")
    )
    attendance = list(
        Attendance.objects.filter(youth=youth)
        .select_related("meeting__group")
        .order_by("-meeting__starts_at", "-pk")
    )
    messages = list(messages_of_youth(youth=youth))
    entries = [TimelineEntry(item.created_at, "interest", item) for item in interests]
    entries.extend(TimelineEntry(item.created_at, "message", item) for item in messages)
    # News quiet hours hold (a consultant's own message shows its state on its entry instead).
    entries.extend(
        TimelineEntry(row.created_at, "held", row)
        for row in held_pushes_for_youth(youth=youth, now=now)
        if row.kind != OutboxMessage.Kind.CONSULTANT_MESSAGE
    )
    for placement in placements:
        entries.append(TimelineEntry(placement.created_at, "placement", placement))
        entries.extend(
            TimelineEntry(checkin.created_at, "checkin", checkin)
            for checkin in placement.timeline_checkins
        )
        entries.extend(
            TimelineEntry(note.created_at, "note", note) for note in placement.timeline_notes
        )
    entries.extend(TimelineEntry(signup.created_at, "signup", signup) for signup in signups)
    entries.extend(TimelineEntry(row.meeting.starts_at, "attendance", row) for row in attendance)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return YouthTimeline(
        youth=youth,
        interests=interests,
        placements=placements,
        signups=signups,
        attendance=attendance,
        messages=messages,
        entries=entries,
    )
