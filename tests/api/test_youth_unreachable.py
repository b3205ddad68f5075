"""The youth list's ``unreachable`` filter: staff see their own scope only, whichever way it
is set; companies never see youth at all."""

from datetime import UTC, datetime

import pytest

from tests import factories as f
from tests.api.conftest import assert_error

SINCE = datetime(2026, 11, 20, 13, 5, tzinfo=UTC)
URL = "/api/v1/youth/"


@pytest.fixture
def people(world):
    return {
        "blocked_x": f.YouthFactory(municipality=world.x, unreachable_at=SINCE),
        "fine_x": f.YouthFactory(municipality=world.x),
        "blocked_y": f.YouthFactory(municipality=world.y, unreachable_at=SINCE),
        "fine_y": f.YouthFactory(municipality=world.y),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "value", "expected"),
    [
        ("consultant_x", "true", {"blocked_x"}),
        ("consultant_x", "false", {"fine_x"}),
        ("consultant_y", "true", {"blocked_y"}),
        ("consultant_y", "false", {"fine_y"}),
        ("admin", "true", {"blocked_x", "blocked_y"}),
        ("admin", "false", {"fine_x", "fine_y"}),
    ],
)
def test_the_filter_keeps_to_the_callers_scope(api_as, people, role, value, expected):
    response = api_as(role).get(URL, {"unreachable": value})
    assert ids(response) == {people[name].pk for name in expected}


def test_the_list_says_since_when(api_as, people):
    (row,) = api_as("consultant_x").get(URL, {"unreachable": "true"}).json()["results"]
    assert datetime.fromisoformat(row["unreachable_at"]) == SINCE


@pytest.mark.parametrize("role", ["member_a", "member_b", "norole"])
def test_companies_and_others_learn_nothing(api_as, people, role):
    response = api_as(role).get(URL, {"unreachable": "true"})
    assert response.status_code in (403, 404)
    assert b"unreachable_at" not in response.content


@pytest.mark.parametrize(("value", "expected"), [("1", {"blocked_x"}), ("0", {"fine_x"})])
def test_one_and_zero_work_too(api_as, people, value, expected):
    response = api_as("consultant_x").get(URL, {"unreachable": value})
    assert ids(response) == {people[name].pk for name in expected}


def test_a_value_that_is_not_a_boolean_is_a_clear_400(api_as, people):
    assert_error(
        api_as("consultant_x").get(URL, {"unreachable": "maybe"}), 400, field="unreachable"
    )
