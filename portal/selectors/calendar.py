"""What a portal user's calendar feed holds: a company's intro meetings and the match events it
has signed up for, each in its municipality's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from portal import policy
from portal.models import CalendarFeed, CompanySignup, Interest, MatchEvent
from portal.services.calendar import feed_token_hash

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


def calendar_feed_owner(*, token: str):
    """The active user whose feed has this token, or None (unknown, revoked or inactive)."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=feed_token_hash(token), user__is_active=True)
        .first()
    )
    return feed.user if feed is not None else None


def calendar_items_for_user(*, user, now: datetime | None = None) -> list[CalendarItem]:
    """A company member: the company's intro meetings (accepted interests) and the published
    events it is signed up for, from two months back. Anyone else: nothing (yet)."""
    if policy.role_of(user) != "company":
        return []
    now = now or timezone.now()
    company_id = policy.member_company_id(user)
    since = now - HISTORY
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
    for signup in signups:
        event = signup.event
        items.append(
            CalendarItem(
                uid=f"event-{event.pk}",
                summary=_("Match event: %(title)s") % {"title": event.title},
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                location=event.place,
                description=event.description,
                tz=event.municipality.timezone,
            )
        )
    return items
