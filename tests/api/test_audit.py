"""The audit trail over the API: admins only (docs/domain.md), filterable, O(1) in queries."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domain.audit import audit_log
from tests.api._matrix import Case, cells, check_cell, roles
from tests.api.conftest import assert_error


@pytest.fixture
def objs(world) -> SimpleNamespace:
    admin = world.users["admin"]
    now = timezone.now()
    entries = [
        audit_log(
            actor=admin,
            action="membership.accept",
            target=world.company_a.memberships.get(),
            municipality_id=world.x.pk,
            now=now,
        ),
        audit_log(
            actor=world.users["consultant_y"],
            action="youth.read",
            target=world.company_b,
            municipality_id=world.y.pk,
            now=now,
        ),
    ]
    return SimpleNamespace(**vars(world), entries=entries)


MATRIX = {
    "audit-list": Case(
        "get",
        lambda o: "/api/v1/audit-entries/",
        roles(admin=200),
        ids={"admin": lambda o: {e.pk for e in o.entries}},
    ),
    "audit-retrieve": Case(
        "get", lambda o: f"/api/v1/audit-entries/{o.entries[0].pk}/", roles(admin=200)
    ),
}


@pytest.mark.parametrize(("name", "role"), cells(MATRIX))
def test_permission_matrix(name, role, api_as, objs):
    check_cell(MATRIX, name, role, api_as, objs)


@pytest.mark.parametrize(
    ("query", "index"),
    [("action=youth.read", 1), ("municipality={x}", 0), ("actor={admin}", 0)],
)
def test_filters(query, index, api_as, objs):
    query = query.format(x=objs.x.pk, admin=objs.users["admin"].pk)
    results = api_as("admin").get(f"/api/v1/audit-entries/?{query}").json()["results"]
    assert [row["id"] for row in results] == [objs.entries[index].pk]


def test_a_bad_time_filter_is_a_clear_400(api_as, objs):
    assert_error(api_as("admin").get("/api/v1/audit-entries/?since=yesterday"), 400, field="since")


def test_list_takes_as_many_queries_for_50_entries_as_for_1(
    api_as, world, django_assert_max_num_queries
):
    admin = world.users["admin"]
    audit_log(actor=admin, action="x.y", target=world.x, now=timezone.now())
    client = api_as("admin")
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/audit-entries/").json()["results"]) == 1
    for _ in range(49):
        audit_log(actor=admin, action="x.y", target=world.x, now=timezone.now())
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/audit-entries/", {"page_size": 50})
    assert len(response.json()["results"]) == 50


def test_the_list_pages_by_cursor_newest_first_without_counting(api_as, world):
    """The trail grows without bound: no page counts it, and the next page starts after the
    last entry seen (keyset), so entries written meanwhile neither repeat nor go missing."""
    admin = world.users["admin"]
    start = timezone.now()
    written = [
        audit_log(actor=admin, action="x.y", target=world.x, now=start + timedelta(seconds=n))
        for n in range(5)
    ]
    client = api_as("admin")
    first = client.get("/api/v1/audit-entries/", {"page_size": 2, "action": "x.y"}).json()
    assert "count" not in first
    assert [row["id"] for row in first["results"]] == [written[4].pk, written[3].pk]
    audit_log(actor=admin, action="x.y", target=world.x, now=start + timedelta(minutes=1))
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [written[2].pk, written[1].pk]
    third = client.get(second["next"]).json()
    assert [row["id"] for row in third["results"]] == [written[0].pk]
    assert third["next"] is None


def test_a_cursor_that_was_not_handed_out_is_a_clear_400(api_as, objs):
    assert_error(api_as("admin").get("/api/v1/audit-entries/?cursor=forged"), 400, field="cursor")
