"""The audit trail over the API: admins only (docs/domain.md), filterable, O(1) in queries."""

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
        assert client.get("/api/v1/audit-entries/").json()["count"] == 1
    for _ in range(49):
        audit_log(actor=admin, action="x.y", target=world.x, now=timezone.now())
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/audit-entries/", {"page_size": 50})
    assert len(response.json()["results"]) == 50
