"""Statistics for a municipality's network and for one company, scoped to who is asking.

Every function here returns plain JSON-able data (dates as ISO strings) so the portal's chart
pages, the CSV export and the REST API can share it. Youth never appear by name: each is a
stable pseudonym (an HMAC of the id under the installation's secret key), so a municipality can
follow one person across exports without the file naming anyone. Each function runs a fixed
number of queries, however many rows there are.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from domain import policy
from domain.audit import audit_log
from domain.models import (
    CheckIn,
    Company,
    CompanySignup,
    Interest,
    MatchEvent,
    Municipality,
    NetworkGroup,
    Placement,
    Slot,
    Youth,
    YouthSignup,
)
from domain.selectors.kept import kept_for_municipality
from domain.selectors.slots import slot_seats_taken_count
from domain.timeutils import local_date, local_datetime

FUNNEL_STEPS = ("interests", "intro_meetings", "approved", "started")

# A placement that was approved at some point: still approved, running, or finished after
# running. (A withdrawn placement may have been approved first; it never started, so it counts
# as approved only while it still holds that state.)
EVER_APPROVED = (
    Placement.Status.APPROVED,
    Placement.Status.ACTIVE,
    Placement.Status.COMPLETED,
    Placement.Status.ENDED_EARLY,
)
STARTED = (Placement.Status.ACTIVE, Placement.Status.COMPLETED, Placement.Status.ENDED_EARLY)

CSV_HEADER = (
    "youth",
    "group",
    "status",
    "interests",
    "intro_meetings",
    "placements_approved",
    "placements_started",
    "weeks_in_placement",
    "checkins",
    "average_checkin_score",
    "events_signed_up",
    "events_attended",
    "events_no_show",
)


def youth_pseudonym(youth_id: int) -> str:
    """A stable label for one youth that names no one: ``"U-"`` and 10 hex digits of an HMAC
    of the id, keyed by the installation's secret key."""
    digest = salted_hmac("portal.statistics.youth", str(youth_id), algorithm="sha256")
    return f"U-{digest.hexdigest()[:10]}"


# --- scope ----------------------------------------------------------------------------------------


def _municipality_for(user: object, municipality_id: int) -> Municipality:
    """A consultant of the municipality or an admin; anyone else gets ``not_found``."""
    role = policy.role_of(user)
    allowed = role == "admin" or (
        role == "consultant" and policy.consultant_municipality_id(user) == municipality_id
    )
    municipality = Municipality.objects.filter(pk=municipality_id).first() if allowed else None
    if municipality is None:
        raise policy.not_found()
    return municipality


def _company_for(user: object, company_id: int) -> Company:
    """A member of the company or an admin. A consultant does not get one company's numbers:
    a company may be in several networks, and its numbers would show other municipalities'
    youth."""
    role = policy.role_of(user)
    allowed = role == "admin" or (
        role == "company" and policy.member_company_id(user) == company_id
    )
    company = Company.objects.filter(pk=company_id).first() if allowed else None
    if company is None:
        raise policy.not_found()
    return company


def _group_for(municipality: Municipality, group_id: int | None) -> NetworkGroup | None:
    if group_id is None:
        return None
    group = NetworkGroup.objects.filter(pk=group_id, municipality=municipality).first()
    if group is None:
        raise policy.not_found()
    return group


class _Period:
    """A period of local calendar days, both ends included; either end may be open."""

    def __init__(self, date_from: date | None, date_to: date | None, tz_name: str, today: date):
        self.date_from = date_from
        self.date_to = date_to
        self.tz_name = tz_name
        self.today = today

    def moments(self, field: str) -> Q:
        """``field`` (a datetime) falls within the period's local days."""
        q = Q()
        if self.date_from is not None:
            q &= Q(**{f"{field}__gte": local_datetime(self.date_from, time(0), self.tz_name)})
        if self.date_to is not None:
            end = local_datetime(self.date_to + timedelta(days=1), time(0), self.tz_name)
            q &= Q(**{f"{field}__lt": end})
        return q

    def days(self, field: str) -> Q:
        """``field`` (a date) falls within the period."""
        q = Q()
        if self.date_from is not None:
            q &= Q(**{f"{field}__gte": self.date_from})
        if self.date_to is not None:
            q &= Q(**{f"{field}__lte": self.date_to})
        return q

    def overlap_days(self, start: date, end: date) -> int:
        """Days of [start, end) inside the period (its last day included), counted up to
        today: the future is not yet time spent in a placement."""
        lower = max(start, self.date_from) if self.date_from else start
        upper_limit = self.today
        if self.date_to is not None:
            upper_limit = min(upper_limit, self.date_to + timedelta(days=1))
        upper = min(end, upper_limit)
        return max((upper - lower).days, 0)

    def as_dict(self) -> dict:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }


def _period(
    date_from: date | None, date_to: date | None, tz_name: str, now: datetime | None
) -> _Period:
    today = local_date(now or timezone.now(), tz_name)
    return _Period(date_from, date_to, tz_name, today)


# --- building blocks (each one query) ---------------------------------------------------------


def _funnel(interests: QuerySet[Interest]) -> list[dict]:
    """The interests in scope and how far each got: an intro meeting, an approved placement,
    a started one. One aggregate query."""
    placements = Placement.objects.filter(interest_id=OuterRef("pk"))
    counts = interests.aggregate(
        interests=Count("pk"),
        intro_meetings=Count("pk", filter=Q(intro_meeting_at__isnull=False)),
        approved=Count("pk", filter=Q(Exists(placements.filter(status__in=EVER_APPROVED)))),
        started=Count("pk", filter=Q(Exists(placements.filter(status__in=STARTED)))),
    )
    return [{"step": step, "count": counts[step] or 0} for step in FUNNEL_STEPS]


def _by_status(queryset: QuerySet, choices) -> dict[str, int]:
    counted = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return {value: counted.get(value, 0) for value in choices.values}


def _placement_weeks(placements: QuerySet[Placement], period: _Period) -> dict[int, dict]:
    """Per youth id: weeks spent in started placements within the period, the number of those
    placements, and whether one is running now. One query."""
    rows = placements.filter(status__in=STARTED).values_list(
        "youth_id", "status", "start_date", "started_at", "ended_at"
    )
    per_youth: dict[int, dict] = defaultdict(lambda: {"days": 0, "placements": 0, "active": False})
    for youth_id, status, start_date, started_at, ended_at in rows:
        start = local_date(started_at, period.tz_name) if started_at else start_date
        end = local_date(ended_at, period.tz_name) if ended_at else period.today
        days = period.overlap_days(start, end)
        if days == 0 and status != Placement.Status.ACTIVE:
            continue
        entry = per_youth[youth_id]
        entry["days"] += days
        entry["placements"] += 1
        entry["active"] = entry["active"] or status == Placement.Status.ACTIVE
    return per_youth


# Where the weeks-in-placement distribution is cut (weeks): a page shows how many youth fall
# in each band, whatever the municipality's size; each youth's own figure is in the CSV.
WEEK_BANDS = (0, 4, 8, 13, 26)


def _week_bands(youth_rows: list[dict]) -> list[dict]:
    """How many youth spent [from, to) weeks in placement; the last band has no end."""
    ends = (*WEEK_BANDS[1:], None)
    bands = [
        {"from": start, "to": end, "youth": 0} for start, end in zip(WEEK_BANDS, ends, strict=True)
    ]
    for row in youth_rows:
        band = next(b for b in reversed(bands) if row["weeks"] >= b["from"])
        band["youth"] += 1
    return bands


def _weeks(days: int) -> float:
    return round(days / 7, 1)


def _checkin_weeks(checkins: QuerySet[CheckIn]) -> list[dict]:
    rows = (
        checkins.order_by()
        .values("week")
        .annotate(average=Avg("score"), count=Count("pk"))
        .order_by("week")
    )
    return [
        {
            "week": row["week"].isoformat(),
            "average": round(row["average"], 2),
            "count": row["count"],
        }
        for row in rows
    ]


def _checkin_totals(checkins: QuerySet[CheckIn]) -> dict:
    totals = checkins.aggregate(average=Avg("score"), count=Count("pk"))
    average = totals["average"]
    return {"count": totals["count"], "average": round(average, 2) if average is not None else None}


# --- municipality -----------------------------------------------------------------------------


class _MunicipalityScope:
    """The querysets one municipality's statistics are built from, filtered by period and
    group."""

    def __init__(self, municipality: Municipality, group: NetworkGroup | None, period: _Period):
        youth_q = Q(youth__municipality=municipality)
        if group is not None:
            youth_q &= Q(youth__group=group)
        self.youth_q = youth_q
        # Interests carry the municipality on the row (an index of their own).
        self.interests = Interest.objects.filter(
            Q(municipality=municipality) & (Q(youth__group=group) if group is not None else Q()),
            period.moments("created_at"),
        )
        self.placements_created = Placement.objects.filter(youth_q, period.moments("created_at"))
        # Time in placement counts every placement that ran during the period, whenever it
        # was proposed; overlap with the period is cut in Python.
        self.placements_running = Placement.objects.filter(youth_q)
        if period.date_from is not None:
            self.placements_running = self.placements_running.filter(
                Q(ended_at__isnull=True)
                | Q(ended_at__gte=local_datetime(period.date_from, time(0), period.tz_name))
            )
        if period.date_to is not None:
            self.placements_running = self.placements_running.filter(start_date__lte=period.date_to)
        self.checkins = CheckIn.objects.filter(
            Q(placement__youth__municipality=municipality)
            & (Q(placement__youth__group=group) if group is not None else Q())
            & period.days("week")
        )
        self.events = MatchEvent.objects.filter(
            Q(municipality=municipality) & period.moments("starts_at")
        ).exclude(status=MatchEvent.Status.DRAFT)


def _event_rows(scope: _MunicipalityScope) -> list[dict]:
    S = YouthSignup.Status
    signup_q = _prefixed(scope.youth_q, "youth_signups__")
    counts = {
        f"n_{status}": Count(
            "youth_signups", filter=Q(youth_signups__status=status) & signup_q, distinct=True
        )
        for status in (S.CONFIRMED, S.WAITLISTED, S.CANCELLED, S.ATTENDED, S.NO_SHOW)
    }
    rows = scope.events.annotate(
        n_checked_in=Count(
            "youth_signups",
            filter=Q(youth_signups__checked_in_at__isnull=False) & signup_q,
            distinct=True,
        ),
        **counts,
    ).order_by("starts_at", "pk")
    return [
        {
            "id": event.pk,
            "title": event.title,
            "starts_at": event.starts_at.isoformat(),
            "status": event.status,
            "youth_capacity": event.youth_capacity,
            "confirmed": getattr(event, f"n_{S.CONFIRMED}"),
            "waitlisted": getattr(event, f"n_{S.WAITLISTED}"),
            "cancelled": getattr(event, f"n_{S.CANCELLED}"),
            "attended": getattr(event, f"n_{S.ATTENDED}"),
            "no_show": getattr(event, f"n_{S.NO_SHOW}"),
            "checked_in": event.n_checked_in,
        }
        for event in rows
    ]


def _prefixed(q: Q, prefix: str) -> Q:
    """``q`` (built on a model with a ``youth`` relation) re-rooted under ``prefix``."""
    rebuilt = Q()
    rebuilt.connector, rebuilt.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            rebuilt.children.append(_prefixed(child, prefix))
        else:
            key, value = child
            rebuilt.children.append((prefix + key, value))
    return rebuilt


def municipality_statistics(
    *,
    user: object,
    municipality_id: int,
    date_from: date | None = None,
    date_to: date | None = None,
    group_id: int | None = None,
    now: datetime | None = None,
) -> dict:
    """The network's numbers for a consultant of the municipality or an admin (anyone else, an
    unknown municipality, or a group of another municipality: ``DomainError("not_found")``).

    The period is of local calendar days, both ends included; ``group_id`` keeps the youth who
    are members of that group now. Returns::

        {
          "municipality": {"id": 1, "name": "Roskilde"},
          "period": {"from": "2026-01-01" | None, "to": "2026-06-30" | None},
          "group": {"id": 3, "name": "Tirsdagsgruppen"} | None,
          # interests shown in the period, and how far each got
          "funnel": [{"step": "interests", "count": 40}, {"step": "intro_meetings", ...},
                     {"step": "approved", ...}, {"step": "started", ...}],
          # interests / placements created in the period, by state (every state present)
          "interests_by_status": {"pending": 3, "company_accepted": 5, ...},
          "placements_by_status": {"proposed": 1, "approved": 2, "active": 4, ...},
          # time in placement within the period (up to today), per pseudonymised youth,
          # most weeks first
          "weeks_in_placement": {
            "youth": [{"youth": "U-3fa9c1d2e0", "weeks": 6.3, "placements": 2, "active": True}],
            # the same youth counted by weeks, [from, to) (to None: no end)
            "bands": [{"from": 0, "to": 4, "youth": 3}, ..., {"from": 26, "to": None, "youth": 0}],
            "total_weeks": 31.4, "average_weeks": 5.2,
          },
          # check-ins of the weeks in the period: average score (1–5) and count per week
          "checkins": {"weeks": [{"week": "2026-03-02", "average": 3.75, "count": 4}],
                       "count": 20, "average": 3.9},
          # published, completed and cancelled events starting in the period
          "events": [{"id": 9, "title": "...", "starts_at": "2026-03-05T13:00:00+00:00",
                      "status": "completed", "youth_capacity": 30, "confirmed": 2,
                      "waitlisted": 0, "cancelled": 1, "attended": 20, "no_show": 3,
                      "checked_in": 20}],
        }
    """
    municipality = _municipality_for(user, municipality_id)
    group = _group_for(municipality, group_id)
    period = _period(date_from, date_to, municipality.timezone, now)
    parts = (group_id, period.date_from, period.date_to, period.today)
    return kept_for_municipality(
        "statistics",
        municipality,
        parts,
        lambda: _statistics(municipality, group, period),
    )


def _statistics(municipality: Municipality, group: NetworkGroup | None, period: _Period) -> dict:
    scope = _MunicipalityScope(municipality, group, period)
    per_youth = _placement_weeks(scope.placements_running, period)
    youth_rows = sorted(
        (
            {
                "youth": youth_pseudonym(youth_id),
                "weeks": _weeks(entry["days"]),
                "placements": entry["placements"],
                "active": entry["active"],
            }
            for youth_id, entry in per_youth.items()
        ),
        key=lambda row: (-row["weeks"], row["youth"]),
    )
    total_days = sum(entry["days"] for entry in per_youth.values())
    checkin_totals = _checkin_totals(scope.checkins)
    return {
        "municipality": {"id": municipality.pk, "name": municipality.name},
        "period": period.as_dict(),
        "group": {"id": group.pk, "name": group.name} if group else None,
        "funnel": _funnel(scope.interests),
        "interests_by_status": _by_status(scope.interests, Interest.Status),
        "placements_by_status": _by_status(scope.placements_created, Placement.Status),
        "weeks_in_placement": {
            "youth": youth_rows,
            "bands": _week_bands(youth_rows),
            "total_weeks": _weeks(total_days),
            "average_weeks": _weeks(total_days / len(per_youth)) if per_youth else 0.0,
        },
        "checkins": {"weeks": _checkin_weeks(scope.checkins), **checkin_totals},
        "events": _event_rows(scope),
    }


def statistics_csv_rows(
    *,
    user: object,
    municipality_id: int,
    date_from: date | None = None,
    date_to: date | None = None,
    group_id: int | None = None,
    now: datetime | None = None,
) -> list[list]:
    """The pseudonymised export for the municipality's own evaluation: a header row
    (``CSV_HEADER``), then one row per youth of the municipality (or of the group) with their
    numbers within the period, typed (counts as ``int``, weeks and the average score as
    ``float``, no average as ``None``; the status as its code) so each interface formats them
    for its own file type. No name, birth date or Telegram identity: only the pseudonym,
    the group's name and the youth's state. Same permission as ``municipality_statistics``.
    The export is audited (ids only)."""
    municipality = _municipality_for(user, municipality_id)
    group = _group_for(municipality, group_id)
    period = _period(date_from, date_to, municipality.timezone, now)
    scope = _MunicipalityScope(municipality, group, period)

    youth = Youth.objects.filter(municipality=municipality)
    if group is not None:
        youth = youth.filter(group=group)
    people = list(youth.order_by("pk").values_list("pk", "group__name", "status"))

    interest_counts = {
        row["youth_id"]: row
        for row in scope.interests.order_by()
        .values("youth_id")
        .annotate(
            interests=Count("pk"),
            intro_meetings=Count("pk", filter=Q(intro_meeting_at__isnull=False)),
        )
    }
    placement_counts = {
        row["youth_id"]: row
        for row in scope.placements_created.order_by()
        .values("youth_id")
        .annotate(
            approved=Count("pk", filter=Q(status__in=EVER_APPROVED)),
            started=Count("pk", filter=Q(status__in=STARTED)),
        )
    }
    weeks = _placement_weeks(scope.placements_running, period)
    checkins = {
        row["placement__youth_id"]: row
        for row in scope.checkins.order_by()
        .values("placement__youth_id")
        .annotate(count=Count("pk"), average=Avg("score"))
    }
    S = YouthSignup.Status
    signups = {
        row["youth_id"]: row
        for row in YouthSignup.objects.filter(event__in=scope.events.values("pk"))
        .order_by()
        .values("youth_id")
        .annotate(
            signed_up=Count("pk", filter=~Q(status=S.CANCELLED)),
            attended=Count("pk", filter=Q(status=S.ATTENDED)),
            no_show=Count("pk", filter=Q(status=S.NO_SHOW)),
        )
    }

    rows = [list(CSV_HEADER)]
    for youth_id, group_name, status in people:
        interest = interest_counts.get(youth_id, {})
        placement = placement_counts.get(youth_id, {})
        checkin = checkins.get(youth_id, {})
        signup = signups.get(youth_id, {})
        average = checkin.get("average")
        rows.append(
            [
                youth_pseudonym(youth_id),
                group_name or "",
                status,
                interest.get("interests", 0),
                interest.get("intro_meetings", 0),
                placement.get("approved", 0),
                placement.get("started", 0),
                _weeks(weeks[youth_id]["days"]) if youth_id in weeks else 0.0,
                checkin.get("count", 0),
                round(float(average), 2) if average is not None else None,
                signup.get("signed_up", 0),
                signup.get("attended", 0),
                signup.get("no_show", 0),
            ]
        )
    audit_log(
        actor=user,
        action="statistics.export",
        target=municipality,
        municipality_id=municipality.pk,
        data={
            **period.as_dict(),
            "group_id": group.pk if group else None,
            "rows": len(rows) - 1,
        },
        now=now,
    )
    return rows


# --- company ------------------------------------------------------------------------------------


def company_statistics(
    *,
    user: object,
    company_id: int,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> dict:
    """A company's numbers on its own slots only, for its members or an admin (anyone else, or
    an unknown company: ``DomainError("not_found")``). No youth appears, not even by
    pseudonym, and no check-in score: a company sees counts. The period is of days in
    Europe/Copenhagen. Returns::

        {
          "company": {"id": 4, "name": "Bageriet ApS"},
          "period": {"from": ... | None, "to": ... | None},
          "funnel": [{"step": "interests", "count": 12}, ...],   # as for a municipality
          "interests_by_status": {...}, "placements_by_status": {...},
          # per slot: its state, seats, seats taken now, and the period's interests and
          # placements
          "slots": [{"id": 7, "title": "...", "status": "open", "seats": 2, "seats_taken": 1,
                     "interests": 5, "placements": 2}],
          # time youth spent in placements at the company within the period
          "weeks_in_placement": {"total_weeks": 14.0, "placements": 3},
          # the match events the company signed up for, starting in the period
          "events": [{"id": 9, "title": "...", "starts_at": "...", "status": "completed",
                      "attendees": 2, "slots": 1}],
        }
    """
    company = _company_for(user, company_id)
    period = _period(date_from, date_to, "Europe/Copenhagen", now)
    slot_q = Q(slot__company=company)
    interests = Interest.objects.filter(slot_q, period.moments("created_at"))
    placements_created = Placement.objects.filter(slot_q, period.moments("created_at"))
    running = Placement.objects.filter(slot_q)
    if period.date_to is not None:
        running = running.filter(start_date__lte=period.date_to)

    slots = (
        Slot.objects.filter(company=company)
        .annotate(
            seats_taken=slot_seats_taken_count(),
            n_interests=Count(
                "interests",
                filter=_prefixed(period.moments("created_at"), "interests__"),
                distinct=True,
            ),
            n_placements=Count(
                "placements",
                filter=_prefixed(period.moments("created_at"), "placements__"),
                distinct=True,
            ),
        )
        .order_by("-published_at", "-pk")
    )
    per_youth = _placement_weeks(running, period)
    signups = (
        CompanySignup.objects.filter(
            Q(company=company, status=CompanySignup.Status.CONFIRMED)
            & _prefixed(period.moments("starts_at"), "event__")
        )
        .select_related("event")
        .annotate(n_slots=Count("slots"))
        .order_by("event__starts_at", "pk")
    )
    return {
        "company": {"id": company.pk, "name": company.name},
        "period": period.as_dict(),
        "funnel": _funnel(interests),
        "interests_by_status": _by_status(interests, Interest.Status),
        "placements_by_status": _by_status(placements_created, Placement.Status),
        "slots": [
            {
                "id": slot.pk,
                "title": slot.title,
                "status": slot.status,
                "seats": slot.seats,
                "seats_taken": slot.seats_taken,
                "interests": slot.n_interests,
                "placements": slot.n_placements,
            }
            for slot in slots
        ],
        "weeks_in_placement": {
            "total_weeks": _weeks(sum(entry["days"] for entry in per_youth.values())),
            "placements": sum(entry["placements"] for entry in per_youth.values()),
        },
        "events": [
            {
                "id": signup.event.pk,
                "title": signup.event.title,
                "starts_at": signup.event.starts_at.isoformat(),
                "status": signup.event.status,
                "attendees": signup.attendees,
                "slots": signup.n_slots,
            }
            for signup in signups
        ],
    }
