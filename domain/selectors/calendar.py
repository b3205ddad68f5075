"""What a portal user's calendar feed holds, each entry in its municipality's time zone: for a
company member the company's intro meetings and the match events it has signed up for; for a
consultant the meetings of the groups they facilitate and their municipality's match events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from domain import policy
from domain.models import CalendarFeed, CompanySignup, Interest, MatchEvent, Meeting
from domain.tokens import feed_token_hash

# An intro meeting has a start only; the calendar shows it as an hour.
INTRO_MEETING_LENGTH = timedelta(hours=1)
# Past entries kept in the feed, so last week's meeting does not vanish from a calendar.
HISTORY = timedelta(days=60)


@dataclass(frozen=True)
class CalendarItem:
    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str
    description: str
    tz: str


def calendar_feed_get(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user_id=user.pk).first()


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    """The feed with this token, its active owner loaded, or None (unknown, revoked or
    inactive)."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=feed_token_hash(token), user__is_active=True)
        .first()
    )


def calendar_items_for_user(*, user, now: datetime | None = None) -> list[CalendarItem]:
    """The entries of ``user``'s feed from two months back (see the module docstring); an
    admin or anyone else gets none (an admin's "everything" is no one's calendar)."""
    now = now or timezone.now()
    role = policy.role_of(user)
    if role == "company":
        return _company_items(policy.member_company_id(user), since=now - HISTORY)
    if role == "consultant":
        return _consultant_items(user.consultant, since=now - HISTORY)
    return []


def _event_item(event: MatchEvent) -> CalendarItem:
    return CalendarItem(
        uid=f"event-{event.pk}",
        summary=_("Match event: %(title)s") % {"title": event.title},
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=event.place,
        description=event.description,
        tz=event.municipality.timezone,
    )


def _company_items(company_id: int, *, since: datetime) -> list[CalendarItem]:
    items: list[CalendarItem] = []
    intros = (
        Interest.objects.filter(
            slot__company_id=company_id,
            status=Interest.Status.ACCEPTED,
            intro_meeting_at__gte=since,
        )
        .select_related("slot", "youth__municipality")
        .order_by("intro_meeting_at", "pk")
    )
    for interest in intros:
        items.append(
            CalendarItem(
                uid=f"intro-{interest.pk}",
                # The first name is what the company may see of a youth who showed interest.
                summary=_("Intro meeting: %(name)s (%(slot)s)")
                % {"name": interest.youth.first_name, "slot": interest.slot.title},
                starts_at=interest.intro_meeting_at,
                ends_at=interest.intro_meeting_at + INTRO_MEETING_LENGTH,
                location=interest.intro_meeting_place,
                description="",
                tz=interest.youth.municipality.timezone,
            )
        )
    signups = (
        CompanySignup.objects.filter(
            company_id=company_id,
            status=CompanySignup.Status.CONFIRMED,
            event__status__in=(MatchEvent.Status.PUBLISHED, MatchEvent.Status.COMPLETED),
            event__ends_at__gte=since,
        )
        .select_related("event__municipality")
        .order_by("event__starts_at", "pk")
    )
    items.extend(_event_item(signup.event) for signup in signups)
    return items


def _consultant_items(consultant, *, since: datetime) -> list[CalendarItem]:
    meetings = (
        Meeting.objects.filter(
            group__facilitators=consultant,
            group__municipality_id=consultant.municipality_id,
            status=Meeting.Status.SCHEDULED,
            ends_at__gte=since,
        )
        .select_related("group__municipality")
        .order_by("starts_at", "pk")
    )
    items = [
        CalendarItem(
            uid=f"meeting-{meeting.pk}",
            summary=_("Network group: %(group)s") % {"group": meeting.group.name},
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            location=meeting.place,
            description="",
            tz=meeting.group.municipality.timezone,
        )
        for meeting in meetings
    ]
    events = (
        MatchEvent.objects.filter(
            municipality_id=consultant.municipality_id,
            status__in=(MatchEvent.Status.PUBLISHED, MatchEvent.Status.COMPLETED),
            ends_at__gte=since,
        )
        .select_related("municipality")
        .order_by("starts_at", "pk")
    )
    items.extend(_event_item(event) for event in events)
    return items
