"""Reads of network groups and their meetings, scoped to who is asking."""

from datetime import datetime

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from domain.models import Attendance, Consultant, Meeting, NetworkGroup, Youth
from domain.policy import consultant_municipality_id, not_found, role_of


def groups_visible_to_user(*, user: object) -> QuerySet[NetworkGroup]:
    """Admin: all. Consultant: their municipality's. Company members and others: none.

    Each group carries ``member_count``; facilitators are prefetched.
    """
    groups = (
        NetworkGroup.objects.select_related("municipality")
        .prefetch_related(
            Prefetch(
                "facilitators",
                queryset=Consultant.objects.select_related("user", "municipality"),
            )
        )
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name", "pk")
    )
    role = role_of(user)
    if role == "admin":
        return groups
    if role == "consultant":
        return groups.filter(municipality_id=consultant_municipality_id(user))
    return groups.none()


def group_get_for_user(*, user: object, group_id: int, now: datetime | None = None) -> NetworkGroup:
    """One group with members, schedules and its upcoming meetings (``upcoming_meetings``);
    ``not_found`` when the user may not see it."""
    now = now or timezone.now()
    try:
        return (
            groups_visible_to_user(user=user)
            .prefetch_related(
                Prefetch("members", queryset=Youth.objects.order_by("first_name", "pk")),
                "schedules",
                Prefetch(
                    "meetings",
                    queryset=Meeting.objects.filter(starts_at__gt=now).order_by("starts_at"),
                    to_attr="upcoming_meetings",
                ),
            )
            .get(pk=group_id)
        )
    except (NetworkGroup.DoesNotExist, ValueError, TypeError):
        raise not_found() from None


def meetings_visible_to_user(*, user: object) -> QuerySet[Meeting]:
    """Meetings of the groups the user may see."""
    return Meeting.objects.filter(
        group__in=groups_visible_to_user(user=user).values("pk")
    ).select_related("group__municipality")


def meeting_get_for_user(*, user: object, meeting_id: int) -> Meeting:
    try:
        return meetings_visible_to_user(user=user).get(pk=meeting_id)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise not_found() from None


def meetings_for_youth(*, youth: Youth, now: datetime | None = None) -> QuerySet[Meeting]:
    """The youth's upcoming, scheduled meetings of their own group, soonest first.

    Each meeting carries ``my_attendance`` (e.g. "excused" after "I can't come", else None).
    """
    now = now or timezone.now()
    if youth.group_id is None:
        return Meeting.objects.none()
    mine = Attendance.objects.filter(meeting=OuterRef("pk"), youth=youth).values("status")[:1]
    return (
        Meeting.objects.filter(
            group_id=youth.group_id, status=Meeting.Status.SCHEDULED, starts_at__gt=now
        )
        .select_related("group__municipality")
        .annotate(my_attendance=Subquery(mine))
        .order_by("starts_at", "pk")
    )


def meeting_get_for_youth(*, youth: Youth, meeting_id: int, now: datetime | None = None) -> Meeting:
    """One of the youth's upcoming meetings (callback data is untrusted: re-check here)."""
    try:
        return meetings_for_youth(youth=youth, now=now).get(pk=meeting_id)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise not_found() from None
