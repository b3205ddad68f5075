"""A youth's coming meetings of every kind in one list, and the "can't come" that consultants
should hear of: group meetings and intro meetings side by side, in date order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from domain import policy
from domain.models import Attendance, Interest, Youth
from domain.selectors.groups import meetings_for_youth, meetings_visible_to_user
from domain.selectors.placements import interests_of_youth, interests_visible_to_user

GROUP = "meeting"
INTRO = "intro"


@dataclass(frozen=True)
class AgendaItem:
    """One coming meeting: a group meeting (``id`` is the meeting's) or an intro meeting (``id``
    is the interest's, ``company`` its company's name)."""

    kind: str
    id: int
    starts_at: datetime
    place: str
    company: str = ""
    cant_come: bool = False


def youth_agenda(*, youth: Youth, now: datetime | None = None, limit: int = 10) -> list[AgendaItem]:
    """The youth's coming group and intro meetings, soonest first (two queries)."""
    now = now or timezone.now()
    meetings = [
        AgendaItem(
            kind=GROUP,
            id=meeting.pk,
            starts_at=meeting.starts_at,
            place=meeting.place,
            cant_come=meeting.my_attendance == Attendance.Status.EXCUSED,
        )
        for meeting in meetings_for_youth(youth=youth, now=now)[:limit]
    ]
    intros = [
        AgendaItem(
            kind=INTRO,
            id=interest.pk,
            starts_at=interest.intro_meeting_at,
            place=interest.intro_meeting_place,
            company=interest.slot.company.name,
            cant_come=interest.intro_cant_come_at is not None,
        )
        for interest in interests_of_youth(youth=youth)
        .filter(status=Interest.Status.ACCEPTED, intro_meeting_at__gt=now)
        .order_by("intro_meeting_at", "pk")[:limit]
    ]
    return sorted(meetings + intros, key=lambda item: (item.starts_at, item.kind, item.id))[:limit]


@dataclass(frozen=True)
class Absence:
    """A youth's "I can't come" to a coming meeting, for their consultants."""

    kind: str
    youth: Youth
    starts_at: datetime
    what: str  # the group's or the company's name
    said_at: datetime


def coming_absences(*, user: object, now: datetime | None = None, limit: int = 10) -> list[Absence]:
    """The "I can't come" of the user's youth to coming group and intro meetings, soonest
    meeting first (two queries; none for company members)."""
    if policy.role_of(user) not in ("admin", "consultant"):
        return []
    now = now or timezone.now()
    excused = (
        Attendance.objects.filter(
            status=Attendance.Status.EXCUSED,
            meeting__in=meetings_visible_to_user(user=user).filter(starts_at__gt=now).values("pk"),
        )
        .select_related("youth__municipality", "meeting__group")
        .order_by("meeting__starts_at", "pk")[:limit]
    )
    intros = (
        interests_visible_to_user(user=user)
        .filter(
            status=Interest.Status.ACCEPTED,
            intro_meeting_at__gt=now,
            intro_cant_come_at__isnull=False,
        )
        .order_by("intro_meeting_at", "pk")[:limit]
    )
    absences = [
        Absence(GROUP, row.youth, row.meeting.starts_at, row.meeting.group.name, row.recorded_at)
        for row in excused
    ] + [
        Absence(
            INTRO, row.youth, row.intro_meeting_at, row.slot.company.name, row.intro_cant_come_at
        )
        for row in intros
    ]
    return sorted(absences, key=lambda a: (a.starts_at, a.kind, a.youth.pk))[:limit]
