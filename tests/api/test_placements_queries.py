"""Every interests / placements list costs the same number of queries for 1 and for 50 rows
(no N+1), also with the company's narrow view of each youth."""

from datetime import date, timedelta

import pytest

from domain.models import Placement
from tests import factories as f
from tests.api.b_world import assert_same_queries_for_1_and_50


def _youth(world):
    youth = f.YouthFactory(municipality=world.x)
    youth.sectors.add(f.sector("retail"), f.sector("it"))
    return youth


@pytest.mark.parametrize("role", ["member_a", "consultant_x", "admin"])
def test_interests_list(world, api_as, role, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            f.InterestFactory(youth=_youth(world), slot=f.SlotFactory(company=world.company_a))

    assert_same_queries_for_1_and_50(
        api_as(role), "/api/v1/interests/", make, django_assert_max_num_queries
    )


@pytest.mark.parametrize("role", ["member_a", "consultant_x", "admin"])
def test_placements_list(world, api_as, role, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            f.PlacementFactory(youth=_youth(world), slot=f.SlotFactory(company=world.company_a))

    assert_same_queries_for_1_and_50(
        api_as(role), "/api/v1/placements/", make, django_assert_max_num_queries
    )


@pytest.fixture
def placement(world):
    return f.PlacementFactory(
        youth=_youth(world),
        slot=f.SlotFactory(company=world.company_a),
        status=Placement.Status.ACTIVE,
    )


def test_checkins_list(world, api_as, placement, django_assert_max_num_queries):
    weeks = (date(2026, 1, 5) + timedelta(weeks=i) for i in range(60))

    def make(n):
        for _ in range(n):
            f.CheckInFactory(placement=placement, week=next(weeks))

    assert_same_queries_for_1_and_50(
        api_as("consultant_x"),
        f"/api/v1/placements/{placement.pk}/checkins/",
        make,
        django_assert_max_num_queries,
    )


def test_notes_list(world, api_as, placement, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            f.FollowUpNoteFactory(placement=placement, author=f.UserFactory())

    assert_same_queries_for_1_and_50(
        api_as("consultant_x"),
        f"/api/v1/placements/{placement.pk}/notes/",
        make,
        django_assert_max_num_queries,
    )
