"""What a consultant's dashboard shows at a glance, scoped like every other read: counts per
state and the newest things that want attention. Each function is one or two queries."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Window

from domain import policy
from domain.models import CheckIn, Interest, Placement, Youth, YouthSignup
from domain.selectors.events import events_visible_to_user
from domain.selectors.network import memberships_pending_for
from domain.selectors.placements import interests_visible_to_user, placements_visible_to_user
from domain.selectors.youth import youth_visible_to_user

LOW_SCORE = 2


def _counted(queryset: QuerySet, choices) -> list[dict]:
    counted = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return [
        {"status": value, "label": label, "count": counted.get(value, 0)}
        for value, label in choices.choices
    ]


def dashboard_counts(*, user: object) -> dict:
    """Counts per state of the youth, interests and placements the user may see, and the
    membership requests waiting for them."""
    return {
        "youth": _counted(youth_visible_to_user(user=user), Youth.Status),
        "interests": _counted(interests_visible_to_user(user=user), Interest.Status),
        "placements": _counted(placements_visible_to_user(user=user), Placement.Status),
        "memberships_pending": memberships_pending_for(user=user).count(),
    }


def recent_interests(*, user: object, limit: int = 10) -> list[Interest]:
    """The newest interests still waiting for the company."""
    return list(
        interests_visible_to_user(user=user)
        .filter(status=Interest.Status.PENDING)
        .order_by("-created_at", "-pk")[:limit]
    )


def overdue_interests(*, user: object, limit: int = 10) -> list[Interest]:
    """Interests still unanswered after the municipality's alert time (domain.services.waiting),
    the longest-waiting first: a company to call."""
    return list(
        interests_visible_to_user(user=user)
        .filter(status=Interest.Status.PENDING, overdue_at__isnull=False)
        .order_by("created_at", "pk")[:limit]
    )


def recent_signups(*, user: object, limit: int = 10) -> list[YouthSignup]:
    """The newest youth sign-ups for events the user may see (staff only)."""
    if policy.role_of(user) not in ("admin", "consultant"):
        return []
    return list(
        YouthSignup.objects.filter(event__in=events_visible_to_user(user=user).values("pk"))
        .select_related("event", "youth")
        .order_by("-created_at", "-pk")[:limit]
    )


def unreachable_youth(*, user: object, limit: int = 10) -> dict:
    """The user's youth whom the bot cannot reach on Telegram (403: blocked or deactivated),
    the most recent first, and how many there are in all. One query, or none for non-staff."""
    if policy.role_of(user) not in ("admin", "consultant"):
        return {"youth": [], "total": 0}
    youth = list(
        youth_visible_to_user(user=user)
        .prefetch_related(None)
        .filter(unreachable_at__isnull=False, erased_at__isnull=True)
        .annotate(total=Window(Count("pk")))
        .order_by("-unreachable_at", "-pk")[:limit]
    )
    return {"youth": youth, "total": youth[0].total if youth else 0}


def low_checkins(*, user: object, limit: int = 10) -> list[CheckIn]:
    """The newest check-ins scoring ``LOW_SCORE`` or less: someone who may need a call."""
    role = policy.role_of(user)
    checkins = CheckIn.objects.filter(score__lte=LOW_SCORE).select_related(
        "placement__youth", "placement__slot__company"
    )
    if role == "consultant":
        checkins = checkins.filter(
            placement__youth__municipality_id=policy.consultant_municipality_id(user)
        )
    elif role != "admin":
        return []
    return list(checkins.order_by("-created_at", "-pk")[:limit])
