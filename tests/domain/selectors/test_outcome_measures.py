"""The trial's measures: computed per youth, by group and facilitator, every figure from
fewer than five youth suppressed, scoped to staff of the municipality, a fixed number of
queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.exceptions import DomainError
from domain.models import Attendance, FollowUp, Placement, Youth
from domain.selectors.outcomes import (
    SUPPRESSED,
    count_figure,
    outcome_measures,
    summary_figure,
)
from domain.services.privacy import youth_erase
from domain.services.youth import youth_leave
from tests import factories as f

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
START = NOW - timedelta(weeks=20)
P = Placement.Status


@pytest.fixture
def cohort(municipality, consultant, slot):
    """Six youth registered 20 weeks ago in one group facilitated by ``consultant``: five with
    a finished placement of 1, 2, 3, 4 and 10 weeks, one never placed."""
    group = f.GroupFactory(municipality=municipality, name="Tirsdagsgruppen")
    group.facilitators.add(consultant)
    youth = []
    with time_machine.travel(START, tick=False):
        for _ in range(6):
            youth.append(f.YouthFactory(municipality=municipality, group=group))
    for number, weeks in enumerate((1, 2, 3, 4, 10)):
        started = START + timedelta(days=7 * (number + 1))
        f.PlacementFactory(
            youth=youth[number],
            slot=slot,
            status=P.COMPLETED,
            created_at=started,
            start_date=started.date(),
            started_at=started,
            ended_at=started + timedelta(weeks=weeks),
        )
    return group, youth


def measures(user, municipality, **kwargs):
    return outcome_measures(user=user, municipality_id=municipality.pk, now=NOW, **kwargs)


def test_small_cells_are_suppressed_and_five_are_not():
    assert [count_figure(n) for n in (0, 1, 4, 5, 12)] == [SUPPRESSED] * 3 + [5, 12]
    assert summary_figure([1, 2, 3, 4])["mean"] == SUPPRESSED
    assert summary_figure([1, 2, 3, 4, 10]) == {
        "n": 5,
        "mean": 4.0,
        "median": 3.0,
        "suppressed": False,
    }


def test_weeks_in_placement_count_every_participant_zeros_included(
    cohort, consultant, municipality
):
    result = measures(consultant.user, municipality)["all"]
    assert result["youth"] == 6
    assert result["weeks_in_placement"] == {
        "n": 6,
        "mean": round(20 / 6, 1),
        "median": 2.5,
        "suppressed": False,
    }
    assert result["in_a_placement"] == 5
    # Started 1..5 weeks after registering.
    assert result["days_to_first_placement"]["mean"] == 21
    assert result["days_to_first_placement"]["median"] == 21


def test_by_group_and_by_facilitator(cohort, consultant, municipality):
    group, _youth = cohort
    result = measures(consultant.user, municipality)
    assert result["by_group"] == [
        {
            "id": group.pk,
            "name": "Tirsdagsgruppen",
            "youth": 6,
            "weeks_in_placement": {
                "n": 6,
                "mean": 3.3,
                "median": 2.5,
                "suppressed": False,
            },
        }
    ]
    assert [row["youth"] for row in result["by_facilitator"]] == [6]
    assert result["by_facilitator"][0]["id"] == consultant.pk


def test_a_group_with_fewer_than_five_youth_shows_no_figure(cohort, consultant, municipality):
    small = f.GroupFactory(municipality=municipality, name="Lille")
    small.facilitators.add(f.ConsultantFactory(municipality=municipality))
    with time_machine.travel(START, tick=False):
        f.YouthFactory(municipality=municipality, group=small)
    rows = {row["name"]: row for row in measures(consultant.user, municipality)["by_group"]}
    assert rows["Lille"]["youth"] == SUPPRESSED
    assert rows["Lille"]["weeks_in_placement"]["mean"] == SUPPRESSED
    assert rows["Tirsdagsgruppen"]["youth"] == 6


def test_switches_and_attendance(cohort, consultant, municipality, slot):
    _group, youth = cohort
    first = Placement.objects.get(youth=youth[0])
    f.PlacementFactory(youth=youth[0], slot=slot, previous=first, status=P.PROPOSED)
    meeting = f.MeetingFactory(group=youth[0].group)
    for number, person in enumerate(youth):
        status = Attendance.Status.PRESENT if number % 2 == 0 else Attendance.Status.ABSENT
        Attendance.objects.create(meeting=meeting, youth=person, status=status, recorded_at=NOW)
    result = measures(consultant.user, municipality)["all"]
    assert result["switches"]["mean"] == round(1 / 6, 2)
    assert result["attendance_rate"] == {"n": 6, "mean": 50, "median": 50, "suppressed": False}


def test_destinations_count_erased_youth_and_suppress_small_ones(cohort, consultant, municipality):
    _group, youth = cohort
    for person in youth[:5]:
        youth_leave(
            youth=person, actor=consultant.user, destination="education", now=NOW - timedelta(1)
        )
    youth_erase(youth=youth[0], actor=consultant.user, now=NOW)
    youth_erase(youth=youth[5], actor=consultant.user, now=NOW)
    result = measures(consultant.user, municipality)["all"]
    counts = {row["destination"]: row["count"] for row in result["destinations"]}
    assert counts["education"] == 5
    # Erased while taking part: "unknown", one youth, so suppressed.
    assert counts["unknown"] == SUPPRESSED
    assert result["left"] == 6
    assert Youth.objects.filter(erased_at__isnull=False).count() == 2


def test_placement_outcomes_are_counted(cohort, consultant, municipality):
    Placement.objects.update(outcome="job_offer")
    outcomes = {
        row["outcome"]: row["count"]
        for row in measures(consultant.user, municipality)["all"]["placement_outcomes"]
    }
    assert outcomes == {"job_offer": 5, "paid_hours": SUPPRESSED, "nothing": SUPPRESSED}


def test_the_cohort_is_chosen_by_registration_day(cohort, consultant, municipality):
    later = measures(consultant.user, municipality, date_from=date(2026, 6, 1))
    assert later["all"]["youth"] == SUPPRESSED
    assert later["all"]["weeks_in_placement"]["suppressed"] is True
    assert measures(consultant.user, municipality, date_to=date(2026, 6, 1))["all"]["youth"] == 6


def test_invited_youth_do_not_count(cohort, consultant, municipality):
    f.InvitedYouthFactory(municipality=municipality)
    assert measures(consultant.user, municipality)["all"]["youth"] == 6


@pytest.mark.parametrize("who", ["other_consultant", "company_member"])
def test_only_staff_of_the_municipality_see_the_measures(request, municipality, who):
    user = request.getfixturevalue(who).user
    with pytest.raises(DomainError) as exc:
        measures(user, municipality)
    assert exc.value.code == "not_found"


def test_an_admin_sees_any_municipality(cohort, admin_user, municipality):
    assert measures(admin_user, municipality)["all"]["youth"] == 6


def test_the_query_count_does_not_grow_with_the_youth(cohort, consultant, municipality, slot):
    with CaptureQueriesContext(connection) as few:
        measures(consultant.user, municipality)
    group, _youth = cohort
    with time_machine.travel(START, tick=False):
        for _ in range(20):
            person = f.YouthFactory(municipality=municipality, group=group)
            f.PlacementFactory(youth=person, slot=slot, status=P.ACTIVE, started_at=START)
    with CaptureQueriesContext(connection) as many:
        measures(consultant.user, municipality)
    assert len(many) == len(few)


def test_follow_up_answers_by_month_no_answer_included(cohort, municipality, consultant):
    _group, youth = cohort
    for number, person in enumerate(youth):
        FollowUp.objects.create(
            youth=person,
            months=3,
            due_at=NOW - timedelta(days=10),
            answer="job" if number < 5 else "",
            answered_at=NOW - timedelta(days=9) if number < 5 else None,
        )
        # Not yet asked: not counted anywhere.
        FollowUp.objects.create(youth=person, months=6, due_at=NOW + timedelta(days=80))
    figures = {
        row["months"]: row for row in measures(consultant.user, municipality)["all"]["followups"]
    }
    assert figures[3]["asked"] == 6
    answers = {cell["answer"]: cell["count"] for cell in figures[3]["answers"]}
    assert answers["job"] == 5
    assert answers["no_answer"] == SUPPRESSED
    assert figures[6]["asked"] == SUPPRESSED
