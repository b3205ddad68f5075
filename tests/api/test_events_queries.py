"""Every events list costs the same number of queries for 1 and for 50 rows (no N+1)."""

import pytest

from domain.models import YouthSignup
from domain.services.signups import company_signup, waitlist_position, youth_signup
from tests import factories as f
from tests.api.b_world import assert_same_queries_for_1_and_50


@pytest.mark.parametrize("role", ["member_a", "consultant_x", "admin"])
def test_events_list(world, api_as, role, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            f.EventFactory(municipality=world.x)

    assert_same_queries_for_1_and_50(
        api_as(role), "/api/v1/events/", make, django_assert_max_num_queries
    )


@pytest.mark.parametrize("role", ["member_a", "consultant_x"])
def test_company_signups_list(world, api_as, role, django_assert_max_num_queries):
    event = f.EventFactory(municipality=world.x, company_capacity=100)

    def make(n):
        for _ in range(n):
            company = f.CompanyFactory()
            f.MembershipFactory(company=company, municipality=world.x)
            slots = [f.SlotFactory(company=company).pk for _ in range(2)]
            company_signup(event=event, company=company, actor=None, slot_ids=slots)

    assert_same_queries_for_1_and_50(
        api_as(role),
        f"/api/v1/events/{event.pk}/company-signups/",
        make,
        django_assert_max_num_queries,
    )


def test_youth_signups_list_with_waitlist_positions(world, api_as, django_assert_max_num_queries):
    event = f.EventFactory(municipality=world.x, youth_capacity=10)

    def make(n):
        for _ in range(n):
            youth_signup(event=event, youth=f.YouthFactory(municipality=world.x), actor=None)

    assert_same_queries_for_1_and_50(
        api_as("consultant_x"),
        f"/api/v1/events/{event.pk}/youth-signups/",
        make,
        django_assert_max_num_queries,
    )


def test_a_youth_sign_up_costs_a_fixed_handful_of_queries(
    world, api_as, django_assert_max_num_queries
):
    """A rush of sign-ups queues on the event's row lock, so each query a sign-up makes is paid
    by the whole queue. Outside the lock: the consultant, the youth (not a read of their record,
    so not audited) and the event (without its companies). Under it: the lock with the
    municipality, the line in one query, the row, the audit entry, and for a confirmed youth
    the two reminders (the default rules: a look for the row and its insert each, once the
    outbox's content type is cached), plus the transaction's statements (savepoint, lock
    timeout on PostgreSQL). It was 20 before the rush was profiled."""
    event = f.EventFactory(municipality=world.x, youth_capacity=1)
    client = api_as("consultant_x")
    path = f"/api/v1/events/{event.pk}/youth-signups/"
    for status, position in (("confirmed", None), ("waitlisted", 1), ("waitlisted", 2)):
        youth = f.YouthFactory(municipality=world.x)
        with django_assert_max_num_queries(15 if status == "confirmed" else 10):
            response = client.post(path, {"youth": youth.pk}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["status"] == status
        # The place in line is taken where the line is decided, and agrees with a recount.
        assert response.json()["waitlist_position"] == position
        signup = YouthSignup.objects.get(pk=response.json()["id"])
        assert waitlist_position(signup=signup) == position
