"""Statistics over the API: a municipality's for its consultants and admins, a company's for
its members and admins; the period and group parameters; O(1) in queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.api._matrix import Case, cells, check_cell, roles
from tests.api.conftest import assert_error

MATRIX = {
    "statistics-municipality": Case(
        "get",
        lambda o: f"/api/v1/statistics/municipalities/{o.x.pk}/",
        roles(member_a=404, member_b=404, consultant_x=200, consultant_y=404, admin=200),
    ),
    "statistics-company": Case(
        "get",
        lambda o: f"/api/v1/statistics/companies/{o.company_a.pk}/",
        # A consultant sees the municipality's numbers, not one company's (which may span
        # several networks).
        roles(member_a=200, member_b=404, consultant_x=404, consultant_y=404, admin=200),
    ),
}


@pytest.mark.parametrize(("name", "role"), cells(MATRIX))
def test_permission_matrix(name, role, api_as, world):
    check_cell(MATRIX, name, role, api_as, world)


def test_municipality_numbers_name_no_youth(api_as, world):
    youth = f.YouthFactory(municipality=world.x, first_name="Sofie")
    slot = f.SlotFactory(company=world.company_a)
    f.InterestFactory(youth=youth, slot=slot)
    response = api_as("consultant_x").get(f"/api/v1/statistics/municipalities/{world.x.pk}/")
    body = response.json()
    assert body["municipality"] == {"id": world.x.pk, "name": "Roskilde"}
    assert body["funnel"][0] == {"step": "interests", "count": 1}
    assert "Sofie" not in response.content.decode()


def test_company_numbers_count_the_own_slots(api_as, world):
    slot = f.SlotFactory(company=world.company_a, seats=2)
    f.InterestFactory(slot=slot, youth__municipality=world.x)
    body = api_as("member_a").get(f"/api/v1/statistics/companies/{world.company_a.pk}/").json()
    assert [(s["id"], s["interests"]) for s in body["slots"]] == [(slot.pk, 1)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date_from=yesterday", "date_from"),
        ("date_to=2026-13-01", "date_to"),
        ("date_from=2026-06-01&date_to=2026-05-01", "date_to"),
        ("group=abc", "group"),
    ],
)
def test_bad_parameters_are_a_clear_400(query, field, api_as, world):
    url = f"/api/v1/statistics/municipalities/{world.x.pk}/?{query}"
    assert_error(api_as("consultant_x").get(url), 400, "invalid", field)


def test_a_period_and_a_group_narrow_the_numbers(api_as, world):
    group = f.GroupFactory(municipality=world.x)
    url = f"/api/v1/statistics/municipalities/{world.x.pk}/"
    body = (
        api_as("consultant_x")
        .get(url, {"date_from": "2026-01-01", "date_to": "2026-06-30", "group": group.pk})
        .json()
    )
    assert body["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    assert body["group"] == {"id": group.pk, "name": group.name}


def test_another_municipalitys_group_or_an_unknown_one_is_404(api_as, world):
    other = f.GroupFactory(municipality=world.y)
    url = f"/api/v1/statistics/municipalities/{world.x.pk}/"
    assert_error(api_as("consultant_x").get(url, {"group": other.pk}), 404, "not_found")
    assert_error(api_as("consultant_x").get(url, {"group": 999999}), 404, "not_found")
    assert_error(api_as("admin").get("/api/v1/statistics/municipalities/999999/"), 404)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("consultant_x", "/api/v1/statistics/municipalities/{x}/"),
        ("member_a", "/api/v1/statistics/companies/{a}/"),
    ],
)
def test_statistics_take_as_many_queries_for_50_interests_as_for_1(
    role, url, api_as, world, django_assert_max_num_queries
):
    url = url.format(x=world.x.pk, a=world.company_a.pk)
    slot = f.SlotFactory(company=world.company_a)
    f.InterestFactory(slot=slot, youth__municipality=world.x)
    client = api_as(role)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(49):
        f.InterestFactory(slot=f.SlotFactory(company=world.company_a), youth__municipality=world.x)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
