"""Reads of match events and their sign-ups, scoped to who is asking."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from domain.models import CompanySignup, MatchEvent, NetworkMembership, Youth, YouthSignup
from domain.policy import consultant_municipality_id, member_company_id, not_found, role_of
from domain.timeutils import local_date

EventStatus = MatchEvent.Status


def _confirmed_companies() -> Prefetch:
    return Prefetch(
        "company_signups",
        queryset=CompanySignup.objects.filter(status=CompanySignup.Status.CONFIRMED)
        .select_related("company")
        .prefetch_related("slots")
        .order_by("company__name"),
        to_attr="confirmed_company_signups",
    )


def events_visible_to_user(*, user: object) -> QuerySet[MatchEvent]:
    """Admin: all. Consultant: their municipality's (any status). Company member: published
    events of municipalities whose network their company belongs to. Anyone else: none."""
    events = MatchEvent.objects.select_related("municipality").order_by("starts_at", "pk")
    role = role_of(user)
    if role == "admin":
        return events
    if role == "consultant":
        return events.filter(municipality_id=consultant_municipality_id(user))
    if role == "company":
        networks = NetworkMembership.objects.municipality_ids_of(member_company_id(user))
        return events.filter(status=EventStatus.PUBLISHED, municipality_id__in=networks)
    return events.none()


def event_get_for_user(*, user: object, event_id: int, with_companies: bool = True) -> MatchEvent:
    """One event with its attending companies (``confirmed_company_signups``); ``not_found``
    when the user may not see it. ``with_companies=False`` leaves the companies out, for a
    caller that only acts on the event (its sign-ups): one query instead of four."""
    events = events_visible_to_user(user=user)
    if with_companies:
        events = events.prefetch_related(_confirmed_companies())
    try:
        return events.get(pk=event_id)
    except (MatchEvent.DoesNotExist, ValueError, TypeError):
        raise not_found() from None


def events_visible_to_youth(*, youth: Youth, now: datetime | None = None) -> QuerySet[MatchEvent]:
    """Upcoming published events of the youth's own municipality, soonest first."""
    now = now or timezone.now()
    return (
        MatchEvent.objects.filter(
            municipality_id=youth.municipality_id,
            status=EventStatus.PUBLISHED,
            starts_at__gt=now,
        )
        .select_related("municipality")
        .order_by("starts_at", "pk")
    )


def event_get_for_youth(*, youth: Youth, event_id: int, now: datetime | None = None) -> MatchEvent:
    """One upcoming event for the bot's detail view, with its attending companies."""
    try:
        return (
            events_visible_to_youth(youth=youth, now=now)
            .prefetch_related(_confirmed_companies())
            .get(pk=event_id)
        )
    except (MatchEvent.DoesNotExist, ValueError, TypeError):
        raise not_found() from None


def youth_signups_for_event(*, event: MatchEvent) -> QuerySet[YouthSignup]:
    """Every youth sign-up of an event in arrival order (the waitlist order). Callers have
    already fetched ``event`` through a scoped selector."""
    return YouthSignup.objects.filter(event=event).select_related("youth").order_by("sequence")


def seats_taken_count() -> Count:
    """The seats taken at an event, as an aggregate over its ``youth_signups``: a confirmed or
    attended sign-up holds a seat (``YouthSignup.SEATED``). Annotate a list of events with it
    to count in the same query; ``event_seats_taken`` counts one event."""
    # distinct: another to-many join in the same query would multiply the count.
    return Count(
        "youth_signups", filter=Q(youth_signups__status__in=YouthSignup.SEATED), distinct=True
    )


def event_seats_taken(*, event: MatchEvent, signups: Iterable[YouthSignup] | None = None) -> int:
    """How many of the event's youth seats are taken: one query (the services ask under the
    event's lock, so a sign-up running now cannot slip past), or none when the caller passes
    the event's sign-ups it has already loaded."""
    if signups is not None:
        return sum(1 for s in signups if s.event_id == event.pk and s.status in YouthSignup.SEATED)
    return MatchEvent.objects.filter(pk=event.pk).aggregate(taken=seats_taken_count())["taken"]


@dataclass(frozen=True)
class EventLine:
    seated: int
    last_sequence: int  # 0 before the first sign-up
    youth_signup_id: int | None  # the youth's own sign-up of this event, in any state
    waiting: int = 0  # on the waitlist now


def event_line(*, event: MatchEvent, youth: Youth) -> EventLine:
    """Where a sign-up of ``youth`` would stand, in one query (the services ask under the
    event's lock): the seats taken (``YouthSignup.SEATED``, as ``event_seats_taken``), the last
    place in line, the youth's earlier sign-up, if any, and how many wait on the waitlist."""
    found = YouthSignup.objects.filter(event=event).aggregate(
        seated=Count("pk", filter=Q(status__in=YouthSignup.SEATED)),
        last=Max("sequence"),
        mine=Max("pk", filter=Q(youth=youth)),
        waiting=Count("pk", filter=Q(status=YouthSignup.Status.WAITLISTED)),
    )
    return EventLine(found["seated"], found["last"] or 0, found["mine"], found["waiting"])


def company_signups_for_event(*, event: MatchEvent) -> QuerySet[CompanySignup]:
    """The companies signed up for an event, with the slots they bring."""
    return (
        CompanySignup.objects.filter(event=event, status=CompanySignup.Status.CONFIRMED)
        .select_related("company")
        .prefetch_related("slots")
        .order_by("company__name")
    )


def youth_signups_for_youth(*, youth: Youth, now: datetime | None = None) -> QuerySet[YouthSignup]:
    """The youth's live sign-ups (confirmed or waitlisted) for upcoming published events."""
    now = now or timezone.now()
    return (
        YouthSignup.objects.filter(
            youth=youth,
            status__in=[YouthSignup.Status.CONFIRMED, YouthSignup.Status.WAITLISTED],
            event__status=EventStatus.PUBLISHED,
            event__starts_at__gt=now,
        )
        .select_related("event__municipality")
        .order_by("event__starts_at", "pk")
    )


# The door opens a little before the start; a check-in days early would be a mistake.
CHECK_IN_OPENS_BEFORE = timedelta(hours=2)


def event_check_in_opens_at(*, event: MatchEvent) -> datetime:
    """When young people can be checked in at the door (``youth_signup_check_in`` refuses
    before, and the event page shows the buttons only from then)."""
    return event.starts_at - CHECK_IN_OPENS_BEFORE


def event_day_has_come(*, event: MatchEvent, now: datetime | None = None) -> bool:
    """Whether the event's date has come in its municipality (the board says the companies
    "are here" only from then; before, they are coming)."""
    now = now or timezone.now()
    tz = event.municipality.timezone
    return local_date(event.starts_at, tz) <= local_date(now, tz)
