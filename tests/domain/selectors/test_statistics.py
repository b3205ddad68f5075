"""Statistics: scoped to who may see them, youth pseudonymised, a fixed number of queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.exceptions import DomainError
from domain.models import AuditEntry, MatchEvent, Placement, YouthSignup
from domain.selectors.statistics import (
    CSV_HEADER,
    company_statistics,
    municipality_statistics,
    statistics_csv_rows,
    youth_pseudonym,
)
from tests import factories as f

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
P = Placement.Status


def at(days_ago: int) -> datetime:
    return NOW - timedelta(days=days_ago)


def interest(youth, slot, *, days_ago=10, accepted=False, **kwargs):
    factory = f.AcceptedInterestFactory if accepted else f.InterestFactory
    return factory(youth=youth, slot=slot, created_at=at(days_ago), **kwargs)


def placement(youth, slot, status, *, interest=None, started_days_ago=None, ended_days_ago=None):
    return f.PlacementFactory(
        youth=youth,
        slot=slot,
        interest=interest,
        status=status,
        created_at=at(30),
        start_date=(at(started_days_ago) if started_days_ago is not None else NOW).date(),
        started_at=at(started_days_ago) if started_days_ago is not None else None,
        ended_at=at(ended_days_ago) if ended_days_ago is not None else None,
    )


@pytest.fixture
def network(municipality, slot):
    """Three youth: one pending interest; one accepted with an approved placement; one accepted
    with a placement running for 14 days."""
    anna, bo, cy = (
        f.YouthFactory(municipality=municipality, first_name=name) for name in ("Anna", "Bo", "Cy")
    )
    interest(anna, slot)
    bo_interest = interest(bo, slot, accepted=True)
    placement(bo, slot, P.APPROVED, interest=bo_interest)
    cy_interest = interest(cy, slot, accepted=True)
    running = placement(cy, slot, P.ACTIVE, interest=cy_interest, started_days_ago=14)
    return {"anna": anna, "bo": bo, "cy": cy, "running": running}


def stats(user, municipality, **kwargs):
    return municipality_statistics(user=user, municipality_id=municipality.pk, now=NOW, **kwargs)


# --- who may see them ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["consultant", "admin_user"])
def test_municipality_statistics_for_its_consultant_and_an_admin(request, who, municipality):
    user = getattr(request.getfixturevalue(who), "user", request.getfixturevalue(who))
    result = stats(user, municipality)
    assert result["municipality"] == {"id": municipality.pk, "name": "Roskilde"}


@pytest.mark.parametrize("who", ["other_consultant", "company_member"])
def test_municipality_statistics_are_not_found_for_anyone_else(request, who, municipality):
    user = request.getfixturevalue(who).user
    with pytest.raises(DomainError) as info:
        stats(user, municipality)
    assert info.value.code == "not_found"


def test_municipality_statistics_are_not_found_for_anonymous_and_the_system(municipality):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), None):
        with pytest.raises(DomainError) as info:
            stats(user, municipality)
        assert info.value.code == "not_found"


def test_unknown_municipality_is_not_found_even_for_an_admin(admin_user):
    with pytest.raises(DomainError) as info:
        municipality_statistics(user=admin_user, municipality_id=999999)
    assert info.value.code == "not_found"


def test_a_group_of_another_municipality_is_not_found(consultant, municipality, other_municipality):
    foreign = f.GroupFactory(municipality=other_municipality)
    with pytest.raises(DomainError) as info:
        stats(consultant.user, municipality, group_id=foreign.pk)
    assert info.value.code == "not_found"


# --- what they say ---------------------------------------------------------------------------


def test_funnel_follows_each_interest_as_far_as_it_got(consultant, municipality, network):
    result = stats(consultant.user, municipality)
    assert result["funnel"] == [
        {"step": "interests", "count": 3},
        {"step": "intro_meetings", "count": 2},
        {"step": "approved", "count": 2},
        {"step": "started", "count": 1},
    ]


def test_counts_per_state_name_every_state(consultant, municipality, network):
    result = stats(consultant.user, municipality)
    assert result["interests_by_status"] == {
        "pending": 1,
        "company_accepted": 2,
        "company_declined": 0,
        "withdrawn": 0,
        "expired": 0,
    }
    assert result["placements_by_status"] == {
        "proposed": 0,
        "approved": 1,
        "rejected": 0,
        "active": 1,
        "completed": 0,
        "ended_early": 0,
        "withdrawn": 0,
    }


def test_weeks_in_placement_per_pseudonymised_youth(consultant, municipality, network, slot):
    dan = f.YouthFactory(municipality=municipality, first_name="Dan")
    placement(dan, slot, P.COMPLETED, started_days_ago=70, ended_days_ago=0)
    result = stats(consultant.user, municipality)["weeks_in_placement"]
    assert result["youth"] == [
        {"youth": youth_pseudonym(dan.pk), "weeks": 10.0, "placements": 1, "active": False},
        {"youth": youth_pseudonym(network["cy"].pk), "weeks": 2.0, "placements": 1, "active": True},
    ]
    assert result["total_weeks"] == 12.0
    assert result["average_weeks"] == 6.0


def test_weeks_in_placement_count_only_the_days_inside_the_period(
    consultant, municipality, network
):
    # The running placement started 14 days ago; the period holds its first 7 days.
    start = at(14).date()
    result = stats(consultant.user, municipality, date_from=start, date_to=start + timedelta(6))
    assert result["weeks_in_placement"]["youth"] == [
        {
            "youth": youth_pseudonym(network["cy"].pk),
            "weeks": 1.0,
            "placements": 1,
            "active": True,
        }
    ]


def test_pseudonyms_are_stable_distinct_and_name_no_one(network):
    label = youth_pseudonym(network["anna"].pk)
    assert label == youth_pseudonym(network["anna"].pk)
    assert label != youth_pseudonym(network["bo"].pk)
    assert label.startswith("U-") and len(label) == 12
    assert "anna" not in label.lower()


def test_statistics_never_contain_a_youths_name(consultant, municipality, network):
    text = repr(stats(consultant.user, municipality))
    for name in ("Anna", "Bo", "Cy"):
        assert f"'{name}'" not in text


def test_checkin_scores_per_week(consultant, municipality, network):
    running = network["running"]
    other = f.PlacementFactory(
        youth=network["bo"], slot=f.SlotFactory(), status=P.ACTIVE, created_at=at(5)
    )
    f.CheckInFactory(placement=running, week=date(2026, 6, 1), score=2)
    f.CheckInFactory(placement=other, week=date(2026, 6, 1), score=5)
    f.CheckInFactory(placement=running, week=date(2026, 6, 8), score=4)
    result = stats(consultant.user, municipality)["checkins"]
    assert result == {
        "weeks": [
            {"week": "2026-06-01", "average": 3.5, "count": 2},
            {"week": "2026-06-08", "average": 4.0, "count": 1},
        ],
        "count": 3,
        "average": 3.67,
    }


def test_event_attendance_per_event(consultant, municipality, network, other_municipality):
    event = f.EventFactory(
        municipality=municipality,
        starts_at=at(3),
        ends_at=at(3) + timedelta(hours=3),
        signup_deadline=at(4),
        status=MatchEvent.Status.COMPLETED,
    )
    f.EventFactory(municipality=municipality, status=MatchEvent.Status.DRAFT)
    f.EventFactory(municipality=other_municipality)
    S = YouthSignup.Status
    for seq, (who, status) in enumerate(
        [("anna", S.ATTENDED), ("bo", S.NO_SHOW), ("cy", S.CANCELLED)], start=1
    ):
        YouthSignup.objects.create(
            event=event,
            youth=network[who],
            status=status,
            sequence=seq,
            created_at=at(10),
            checked_in_at=at(3) if status == S.ATTENDED else None,
        )
    (row,) = stats(consultant.user, municipality)["events"]
    assert row == {
        "id": event.pk,
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "status": "completed",
        "youth_capacity": 10,
        "confirmed": 0,
        "waitlisted": 0,
        "cancelled": 1,
        "attended": 1,
        "no_show": 1,
        "checked_in": 1,
    }


def test_the_period_keeps_interests_created_inside_it(consultant, municipality, network, slot):
    interest(f.YouthFactory(municipality=municipality), slot, days_ago=60)
    everything = stats(consultant.user, municipality)
    recent = stats(consultant.user, municipality, date_from=at(20).date(), date_to=NOW.date())
    assert everything["funnel"][0]["count"] == 4
    assert recent["funnel"][0]["count"] == 3
    assert recent["period"] == {"from": at(20).date().isoformat(), "to": NOW.date().isoformat()}


def test_the_group_filter_keeps_the_groups_members(consultant, municipality, network, slot):
    group = f.GroupFactory(municipality=municipality, name="Tirsdag")
    member = f.YouthFactory(municipality=municipality, group=group)
    placement(member, slot, P.APPROVED, interest=interest(member, slot, accepted=True))
    result = stats(consultant.user, municipality, group_id=group.pk)
    assert result["group"] == {"id": group.pk, "name": "Tirsdag"}
    assert [step["count"] for step in result["funnel"]] == [1, 1, 1, 0]


def test_another_municipalitys_youth_are_never_counted(consultant, municipality, other_youth):
    foreign_slot = f.SlotFactory()
    interest(other_youth, foreign_slot)
    result = stats(consultant.user, municipality)
    assert result["funnel"][0]["count"] == 0


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def _grow(municipality, slot, n):
    event = f.EventFactory(municipality=municipality, starts_at=at(-5))
    for i in range(n):
        youth = f.YouthFactory(municipality=municipality)
        made = interest(youth, slot, accepted=True)
        running = placement(youth, slot, P.ACTIVE, interest=made, started_days_ago=7)
        f.CheckInFactory(placement=running, week=date(2026, 6, 1))
        YouthSignup.objects.create(
            event=event, youth=youth, status="confirmed", sequence=i + 1, created_at=at(1)
        )


def test_statistics_take_the_same_number_of_queries_for_1_and_30_rows(
    consultant, municipality, slot
):
    _grow(municipality, slot, 1)
    stats(consultant.user, municipality)  # warms the user's role
    small = _queries(lambda: stats(consultant.user, municipality))
    small_csv = _queries(
        lambda: statistics_csv_rows(user=consultant.user, municipality_id=municipality.pk)
    )
    _grow(municipality, slot, 29)
    assert _queries(lambda: stats(consultant.user, municipality)) == small
    assert (
        _queries(lambda: statistics_csv_rows(user=consultant.user, municipality_id=municipality.pk))
        == small_csv
    )


# --- the CSV export --------------------------------------------------------------------------


def test_csv_rows_one_per_youth_pseudonymised_and_audited(consultant, municipality, network):
    rows = statistics_csv_rows(user=consultant.user, municipality_id=municipality.pk, now=NOW)
    assert rows[0] == list(CSV_HEADER)
    by_label = {row[0]: dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]}
    assert set(by_label) == {youth_pseudonym(network[name].pk) for name in ("anna", "bo", "cy")}
    cy = by_label[youth_pseudonym(network["cy"].pk)]
    assert cy["interests"] == 1
    assert cy["intro_meetings"] == 1
    assert cy["placements_approved"] == 1
    assert cy["placements_started"] == 1
    assert cy["weeks_in_placement"] == 2.0
    assert cy["status"] == "active"
    flat = " ".join(" ".join(str(cell) for cell in row) for row in rows)
    for name in ("Anna", "Bo", "Cy"):
        assert name not in flat.split()
    entry = AuditEntry.objects.get(action="statistics.export")
    assert entry.municipality_id == municipality.pk
    assert entry.data == {"from": None, "to": None, "group_id": None, "rows": 3}


def test_csv_rows_refuse_anyone_but_the_municipalitys_staff(other_consultant, municipality):
    with pytest.raises(DomainError) as info:
        statistics_csv_rows(user=other_consultant.user, municipality_id=municipality.pk)
    assert info.value.code == "not_found"
    assert not AuditEntry.objects.filter(action="statistics.export").exists()


# --- a company's own numbers -----------------------------------------------------------------


def test_company_statistics_count_only_the_companys_own_slots(
    company_member, company, network, slot
):
    other_slot = f.SlotFactory()
    interest(network["anna"], other_slot)
    result = company_statistics(user=company_member.user, company_id=company.pk, now=NOW)
    assert result["company"] == {"id": company.pk, "name": company.name}
    assert [step["count"] for step in result["funnel"]] == [3, 2, 2, 1]
    assert result["slots"] == [
        {
            "id": slot.pk,
            "title": slot.title,
            "status": "open",
            "seats": 3,
            "seats_taken": 2,
            "interests": 3,
            "placements": 2,
        }
    ]
    assert result["weeks_in_placement"] == {"total_weeks": 2.0, "placements": 1}
    assert result["interests_by_status"]["pending"] == 1
    text = repr(result)
    assert "U-" not in text and "'Anna'" not in text


def test_company_statistics_list_the_companys_event_signups(company_member, company, slot):
    event = f.EventFactory(municipality=company.municipalities.get(), starts_at=at(-3))
    signup = company.event_signups.create(event=event, attendees=2, created_at=at(5))
    signup.slots.add(slot)
    (row,) = company_statistics(user=company_member.user, company_id=company.pk, now=NOW)["events"]
    assert row == {
        "id": event.pk,
        "title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "status": "published",
        "attendees": 2,
        "slots": 1,
    }


def test_company_statistics_for_an_admin(admin_user, company):
    result = company_statistics(user=admin_user, company_id=company.pk)
    assert result["company"]["id"] == company.pk


@pytest.mark.parametrize("who", ["other_company_member", "consultant"])
def test_company_statistics_are_not_found_for_anyone_else(request, who, company):
    with pytest.raises(DomainError) as info:
        company_statistics(user=request.getfixturevalue(who).user, company_id=company.pk)
    assert info.value.code == "not_found"


def test_company_statistics_take_the_same_number_of_queries_for_1_and_30_slots(
    company_member, company
):
    f.SlotFactory(company=company)
    company_statistics(user=company_member.user, company_id=company.pk)  # warms the user's role
    count = _queries(lambda: company_statistics(user=company_member.user, company_id=company.pk))
    for _ in range(29):
        f.SlotFactory(company=company)
    assert (
        _queries(lambda: company_statistics(user=company_member.user, company_id=company.pk))
        == count
    )


def test_week_bands_count_each_youth_once_in_the_band_holding_their_weeks():
    from domain.selectors.statistics import _week_bands

    rows = [{"weeks": weeks} for weeks in (0.0, 3.9, 4.0, 12.9, 13.0, 26.0, 80.0)]
    assert [(b["from"], b["to"], b["youth"]) for b in _week_bands(rows)] == [
        (0, 4, 2),
        (4, 8, 1),
        (8, 13, 1),
        (13, 26, 1),
        (26, None, 2),
    ]
