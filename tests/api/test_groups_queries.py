"""Every groups list costs the same number of queries for 1 and for 50 rows (no N+1)."""

import pytest

from domain.services.meetings import attendance_record
from tests import factories as f
from tests.api.b_world import assert_same_queries_for_1_and_50


@pytest.mark.parametrize("role", ["consultant_x", "admin"])
def test_groups_list(world, api_as, role, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            group = f.GroupFactory(municipality=world.x)
            group.facilitators.add(world.consultant_x, f.ConsultantFactory(municipality=world.x))
            f.YouthFactory(municipality=world.x, group=group)

    assert_same_queries_for_1_and_50(
        api_as(role), "/api/v1/groups/", make, django_assert_max_num_queries
    )


def test_meetings_list(world, api_as, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            f.MeetingFactory(group=f.GroupFactory(municipality=world.x))

    assert_same_queries_for_1_and_50(
        api_as("consultant_x"), "/api/v1/meetings/", make, django_assert_max_num_queries
    )


def test_attendance_list(world, api_as, django_assert_max_num_queries):
    group = f.GroupFactory(municipality=world.x)
    meeting = f.MeetingFactory(group=group)

    def make(n):
        for _ in range(n):
            youth = f.YouthFactory(municipality=world.x, group=group)
            attendance_record(meeting=meeting, youth=youth, status="excused", actor=None)

    assert_same_queries_for_1_and_50(
        api_as("consultant_x"),
        f"/api/v1/meetings/{meeting.pk}/attendance/",
        make,
        django_assert_max_num_queries,
    )
