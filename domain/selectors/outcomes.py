"""The trial's measures for one municipality: weeks in company placements per youth (by group
and facilitator), time from start to the first placement, switches, attendance at group
meetings, what placements led to and where youth went when they left.

Every figure that rests on fewer than ``SMALL_CELL`` youth is given as ``SUPPRESSED`` ("< 5")
instead of its value, so no figure on the page can point at one person. How each measure is
computed and how it maps to the trial is in docs/evaluation.md. A fixed number of queries,
however many youth there are.

Computing them reads every youth of the municipality (and their placements, attendance and
follow-ups), so it grows with the municipality: they are kept while nothing in it changes
(domain/selectors/kept.py).
"""

from __future__ import annotations

import statistics as stats
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.models import (
    AgeBand,
    Arm,
    Attendance,
    Destination,
    FollowUp,
    FollowUpAnswer,
    NetworkGroup,
    Placement,
    PlacementOutcome,
    Referral,
    Youth,
)
from domain.selectors.intake import municipality_randomises
from domain.selectors.kept import kept_for_municipality
from domain.selectors.statistics import STARTED, _group_for, _municipality_for, _period
from domain.timeutils import local_date
from domain.validators import age_on

SMALL_CELL = 5
SUPPRESSED = "< 5"
NO_ANSWER = "no_answer"
FOLLOWUP_MONTHS = (3, 6, 12)


@dataclass
class YouthFacts:
    """What the measures need to know about one youth (no name, no free text)."""

    id: int
    start: date
    age_at_start: int | None
    status: str
    group_id: int | None
    erased: bool
    destination: str = ""
    destination_date: date | None = None
    placement_days: int = 0
    placements: int = 0
    switches: int = 0
    hours: float = 0.0
    first_placement: date | None = None
    meetings_present: int = 0
    meetings_recorded: int = 0
    outcomes: list[str] = field(default_factory=list)
    # Months after leaving → the answer, or NO_ANSWER once asked without one.
    followups: dict[int, str] = field(default_factory=dict)

    @property
    def weeks_in_placement(self) -> float:
        return self.placement_days / 7

    @property
    def days_to_first_placement(self) -> int | None:
        if self.first_placement is None:
            return None
        return max((self.first_placement - self.start).days, 0)

    @property
    def attendance_rate(self) -> float | None:
        if not self.meetings_recorded:
            return None
        return self.meetings_present / self.meetings_recorded


# --- small cells --------------------------------------------------------------------------------


def count_figure(n: int) -> int | str:
    """A count of youth, or ``SUPPRESSED`` when it is below ``SMALL_CELL`` (zero included:
    "fewer than five" is the rule, and it keeps a zero from standing out beside a "< 5")."""
    return n if n >= SMALL_CELL else SUPPRESSED


def summary_figure(values: Iterable[float], *, digits: int = 1) -> dict:
    """Mean and median of one value per youth; all suppressed below ``SMALL_CELL`` youth."""
    values = list(values)
    if len(values) < SMALL_CELL:
        return {"n": SUPPRESSED, "mean": SUPPRESSED, "median": SUPPRESSED, "suppressed": True}
    return {
        "n": len(values),
        "mean": round(stats.fmean(values), digits),
        "median": round(stats.median(values), digits),
        "suppressed": False,
    }


# --- facts --------------------------------------------------------------------------------------


def youth_facts(
    youth: Iterable[Youth], *, tz_name: str, today: date, now: datetime
) -> list[YouthFacts]:
    """The facts of ``youth`` (a queryset), in four queries whatever their number."""
    facts = {
        y.pk: YouthFacts(
            id=y.pk,
            start=local_date(y.created_at, tz_name),
            age_at_start=age_on(y.birth_date, local_date(y.created_at, tz_name))
            if y.birth_date
            else None,
            status=y.status,
            group_id=y.group_id or y.former_group_id,
            erased=y.erased_at is not None,
            destination=y.destination,
            destination_date=y.destination_date,
        )
        for y in youth
    }
    _add_placements(facts, tz_name=tz_name, today=today)
    _add_attendance(facts)
    _add_followups(facts, now=now)
    return list(facts.values())


def _add_followups(facts: dict[int, YouthFacts], *, now: datetime) -> None:
    """Questions already asked (due), answered or not; later ones are not yet anything."""
    rows = FollowUp.objects.filter(youth_id__in=list(facts), due_at__lte=now).values_list(
        "youth_id", "months", "answer"
    )
    for youth_id, months, answer in rows:
        facts[youth_id].followups[months] = answer or NO_ANSWER


def _add_placements(facts: dict[int, YouthFacts], *, tz_name: str, today: date) -> None:
    rows = Placement.objects.filter(youth_id__in=list(facts)).values_list(
        "youth_id",
        "status",
        "start_date",
        "started_at",
        "ended_at",
        "previous_id",
        "outcome",
        "hours_per_week",
    )
    for youth_id, status, start_date, started_at, ended_at, previous_id, outcome, hours in rows:
        fact = facts[youth_id]
        if previous_id is not None:
            fact.switches += 1
        if status not in STARTED:
            continue
        start = local_date(started_at, tz_name) if started_at else start_date
        end = local_date(ended_at, tz_name) if ended_at else today
        days = max((end - start).days, 0)
        fact.placements += 1
        fact.placement_days += days
        fact.hours += days / 7 * hours
        if fact.first_placement is None or start < fact.first_placement:
            fact.first_placement = start
        if outcome:
            fact.outcomes.append(outcome)


def _add_attendance(facts: dict[int, YouthFacts]) -> None:
    rows = (
        Attendance.objects.filter(youth_id__in=list(facts))
        .order_by()
        .values("youth_id")
        .annotate(
            recorded=Count("pk"),
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
        )
    )
    for row in rows:
        fact = facts[row["youth_id"]]
        fact.meetings_recorded = row["recorded"]
        fact.meetings_present = row["present"]


# --- measures -----------------------------------------------------------------------------------


def measures_of(facts: list[YouthFacts]) -> dict:
    """Every measure for one set of youth (the whole municipality, a group, an arm)."""
    left = [f for f in facts if f.status == Youth.Status.LEFT]
    destinations = Counter(f.destination or Destination.UNKNOWN for f in left)
    outcomes = Counter(outcome for f in facts for outcome in f.outcomes)
    with_placement = [f for f in facts if f.first_placement is not None]
    attended = [f.attendance_rate for f in facts if f.attendance_rate is not None]
    return {
        "youth": count_figure(len(facts)),
        "followups": _followup_figures(facts),
        "weeks_in_placement": summary_figure(f.weeks_in_placement for f in facts),
        "in_a_placement": count_figure(len(with_placement)),
        "days_to_first_placement": summary_figure(
            (f.days_to_first_placement for f in with_placement), digits=0
        ),
        "switches": summary_figure((f.switches for f in facts), digits=2),
        "attendance_rate": summary_figure((rate * 100 for rate in attended), digits=0),
        "placement_outcomes": [
            {"outcome": value, "label": str(label), "count": count_figure(outcomes[value])}
            for value, label in PlacementOutcome.choices
        ],
        "left": count_figure(len(left)),
        "destinations": [
            {"destination": value, "label": str(label), "count": count_figure(destinations[value])}
            for value, label in Destination.choices
        ],
    }


def _followup_figures(facts: list[YouthFacts]) -> list[dict]:
    """Per month of asking: how many were asked, and their answers (no answer included)."""
    figures = []
    for months in FOLLOWUP_MONTHS:
        answers = Counter(f.followups[months] for f in facts if months in f.followups)
        figures.append(
            {
                "months": months,
                "asked": count_figure(sum(answers.values())),
                "answers": [
                    {"answer": value, "label": str(label), "count": count_figure(answers[value])}
                    for value, label in [*FollowUpAnswer.choices, (NO_ANSWER, _("no answer"))]
                ],
            }
        )
    return figures


def _by_group(facts: list[YouthFacts], groups: list[NetworkGroup]) -> list[dict]:
    per_group: dict[int, list[YouthFacts]] = defaultdict(list)
    for fact in facts:
        if fact.group_id is not None:
            per_group[fact.group_id].append(fact)
    return [
        {
            "id": group.pk,
            "name": group.name,
            "youth": count_figure(len(per_group[group.pk])),
            "weeks_in_placement": summary_figure(f.weeks_in_placement for f in per_group[group.pk]),
        }
        for group in groups
    ]


def _by_facilitator(facts: list[YouthFacts], groups: list[NetworkGroup]) -> list[dict]:
    """Each youth counts for every facilitator of their group (a group often has two)."""
    per_group: dict[int, list[YouthFacts]] = defaultdict(list)
    for fact in facts:
        if fact.group_id is not None:
            per_group[fact.group_id].append(fact)
    per_facilitator: dict[int, dict] = {}
    for group in groups:
        for consultant in group.facilitators.all():
            entry = per_facilitator.setdefault(
                consultant.pk,
                {"consultant": consultant, "facts": {}},
            )
            entry["facts"].update({f.id: f for f in per_group[group.pk]})
    rows = []
    for entry in per_facilitator.values():
        user = entry["consultant"].user
        youth = list(entry["facts"].values())
        rows.append(
            {
                "id": entry["consultant"].pk,
                "name": user.get_full_name() or user.get_username(),
                "youth": count_figure(len(youth)),
                "weeks_in_placement": summary_figure(f.weeks_in_placement for f in youth),
            }
        )
    return sorted(rows, key=lambda row: row["name"])


def _by_arm(municipality, period, *, now: datetime) -> dict:
    """The arms of a randomised intake, compared: the referrals drawn in the period (by their
    referral date), per arm and age band; for the NExTWORK arm the measures of its youth who
    took part, and weeks in placement per referral (everyone drawn to the arm counts, those
    never registered with zero weeks, as the trial compared arms). Usual service has no
    in-programme data: its outcomes come from registers (docs/evaluation.md)."""
    referrals = Referral.objects.filter(
        period.days("referral_date"), municipality=municipality, draw__isnull=False
    )
    counts = Counter(referrals.values_list("arm", "age_band"))
    per_arm = Counter()
    for (arm, _band), n in counts.items():
        per_arm[arm] += n
    youth = (
        Youth.objects.filter(
            referral__in=referrals.filter(arm=Arm.NEXTWORK), municipality=municipality
        )
        .exclude(status=Youth.Status.INVITED)
        .order_by("pk")
    )
    facts = youth_facts(youth, tz_name=period.tz_name, today=period.today, now=now)
    weeks = [f.weeks_in_placement for f in facts]
    weeks += [0.0] * (per_arm[Arm.NEXTWORK] - len(facts))
    return {
        "arms": [
            {
                "arm": Arm.NEXTWORK.value,
                "label": str(Arm.NEXTWORK.label),
                "referrals": count_figure(per_arm[Arm.NEXTWORK]),
                "youth": count_figure(len(facts)),
                "weeks_per_referral": summary_figure(weeks),
                "measures": measures_of(facts),
            },
            {
                "arm": Arm.USUAL.value,
                "label": str(Arm.USUAL.label),
                "referrals": count_figure(per_arm[Arm.USUAL]),
                "youth": None,
                "weeks_per_referral": None,
                "measures": None,
            },
        ],
        "age_bands": [
            {
                "age_band": band,
                "nextwork": count_figure(counts[(Arm.NEXTWORK, band)]),
                "usual": count_figure(counts[(Arm.USUAL, band)]),
            }
            for band in AgeBand.values
        ],
    }


def outcome_measures(
    *,
    user: object,
    municipality_id: int,
    date_from: date | None = None,
    date_to: date | None = None,
    group_id: int | None = None,
    now: datetime | None = None,
) -> dict:
    """The trial's measures for the youth of a municipality (a consultant of it or an admin;
    anyone else: ``not_found``) who took part: registered, and beyond an unanswered invite.

    ``date_from``/``date_to`` choose the cohort by the local day each youth was registered;
    ``group_id`` keeps the youth of that group (now, or when they left). Returns::

        {
          "cohort": {"from": "2026-01-01" | None, "to": None},
          "all": {measures_of(...)},
          "by_group": [{"id", "name", "youth", "weeks_in_placement"}],
          "by_facilitator": [{"id", "name", "youth", "weeks_in_placement"}],
          "by_arm": None | {"arms": [...], "age_bands": [...]},  # see _by_arm
        }

    ``by_arm`` is given where the municipality randomises its intake (or has drawn), for the
    whole municipality (not for one group: usual service has no group).

    where a count is an int or ``"< 5"`` and a summary is ``{"n", "mean", "median",
    "suppressed"}``.
    """
    municipality = _municipality_for(user, municipality_id)
    group = _group_for(municipality, group_id)
    period = _period(date_from, date_to, municipality.timezone, now)
    youth = Youth.objects.filter(period.moments("created_at"), municipality=municipality).exclude(
        status=Youth.Status.INVITED
    )
    groups = NetworkGroup.objects.filter(municipality=municipality)
    if group is not None:
        youth = youth.filter(Q(group=group) | Q(group__isnull=True, former_group=group))
        groups = groups.filter(pk=group.pk)

    def compute() -> dict:
        at = now or timezone.now()
        facts = youth_facts(
            youth.order_by("pk"), tz_name=period.tz_name, today=period.today, now=at
        )
        chosen = list(groups.prefetch_related("facilitators__user").order_by("name", "pk"))
        by_arm = None
        if group is None and municipality_randomises(municipality):
            by_arm = _by_arm(municipality, period, now=at)
        return {
            "cohort": period.as_dict(),
            "all": measures_of(facts),
            "by_group": _by_group(facts, chosen),
            "by_facilitator": _by_facilitator(facts, chosen),
            "by_arm": by_arm,
            "computed_at": at,
        }

    parts = (group_id, period.date_from, period.date_to, period.today)
    return kept_for_municipality("outcome-measures", municipality, parts, compute)
