"""The permission matrix for match events and sign-ups, cell by cell: every endpoint and action
× every role → exactly the allowed status; lists never show a foreign object."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories as f
from tests.api.b_world import (
    assert_cell,
    call,
    company_a_and_staff,
    everyone,
    expand,
    result_ids,
    staff_only,
)
from tests.api.conftest import ROLES, assert_error

E = "/api/v1/events"


def _new_event(bw, world):
    start = timezone.now() + timedelta(days=10)
    return {
        "municipality": world.x.pk,
        "title": "Matchdag i hallen",
        "place": "Hallen",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(),
        "signup_deadline": (start - timedelta(days=1)).isoformat(),
        "youth_capacity": 20,
        "company_capacity": 8,
    }


CASES = [
    ("events-list", "get", lambda b: f"{E}/", None, everyone()),
    ("event-detail", "get", lambda b: f"{E}/{b.x.event.pk}/", None, company_a_and_staff(200)),
    (
        "event-create",
        "post",
        lambda b: f"{E}/",
        _new_event,
        staff_only(201, other_consultant=403),
    ),
    (
        "event-update",
        "patch",
        lambda b: f"{E}/{b.x.event.pk}/",
        lambda b, w: {"title": "Ny titel"},
        staff_only(200),
    ),
    (
        "event-publish",
        "post",
        lambda b: f"{E}/{b.x.draft_event.pk}/publish/",
        None,
        staff_only(200),
    ),
    ("event-cancel", "post", lambda b: f"{E}/{b.x.event.pk}/cancel/", None, staff_only(200)),
    (
        "event-complete",
        "post",
        lambda b: f"{E}/{b.x.started_event.pk}/complete/",
        None,
        staff_only(200),
    ),
    (
        "company-signups-list",
        "get",
        lambda b: f"{E}/{b.x.event.pk}/company-signups/",
        None,
        company_a_and_staff(200),
    ),
    (
        "company-signup-create",
        "post",
        lambda b: f"{E}/{b.x.free_event.pk}/company-signups/",
        lambda b, w: {"company": w.company_a.pk, "attendees": 2},
        company_a_and_staff(201),
    ),
    (
        "company-signup-cancel",
        "post",
        lambda b: f"{E}/{b.x.event.pk}/company-signups/{b.x.company_signup.pk}/cancel/",
        None,
        company_a_and_staff(200),
    ),
    (
        "youth-signups-list",
        "get",
        lambda b: f"{E}/{b.x.event.pk}/youth-signups/",
        None,
        staff_only(200),
    ),
    (
        "youth-signup-create",
        "post",
        lambda b: f"{E}/{b.x.free_event.pk}/youth-signups/",
        lambda b, w: {"youth": b.x.youth2.pk},
        staff_only(201),
    ),
    (
        "youth-signup-cancel",
        "post",
        lambda b: f"{E}/{b.x.event.pk}/youth-signups/{b.x.youth_signup.pk}/cancel/",
        None,
        staff_only(200),
    ),
    (
        "youth-signup-check-in",
        "post",
        lambda b: f"{E}/{b.x.started_event.pk}/youth-signups/{b.x.door_signup.pk}/check-in/",
        None,
        staff_only(200),
    ),
]


def test_every_case_names_every_role():
    assert all(set(statuses) == set(ROLES) for *_, statuses in CASES)


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), expand(CASES))
def test_events_permission_matrix(bw, world, api_as, method, path, body, role, status):
    assert_cell(call(api_as(role), method, path(bw), body(bw, world) if body else None), status)


def _events(side) -> set[int]:
    return {e.pk for e in (side.event, side.free_event, side.draft_event, side.started_event)}


def _published(side) -> set[int]:
    return _events(side) - {side.draft_event.pk}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("member_a", lambda b: _published(b.x)),
        ("member_b", lambda b: _published(b.y)),
        ("consultant_x", lambda b: _events(b.x)),
        ("consultant_y", lambda b: _events(b.y)),
        ("admin", lambda b: _events(b.x) | _events(b.y)),
    ],
)
def test_events_list_shows_exactly_the_visible_events(bw, api_as, role, expected):
    assert result_ids(api_as(role).get(f"{E}/?page_size=100")) == expected(bw)


@pytest.mark.parametrize("role", ["member_a", "consultant_x", "admin"])
def test_signup_lists_show_only_that_events_signups(bw, api_as, role):
    client = api_as(role)
    companies = result_ids(client.get(f"{E}/{bw.x.event.pk}/company-signups/"))
    assert companies == {bw.x.company_signup.pk}
    if role != "member_a":
        youth = result_ids(client.get(f"{E}/{bw.x.event.pk}/youth-signups/"))
        assert youth == {bw.x.youth_signup.pk}


@pytest.mark.parametrize(
    "query", ["municipality={y}", "search=Matchdag Y", "ordering=-title", "status=published"]
)
def test_filters_search_and_ordering_never_reach_another_municipality(bw, world, api_as, query):
    ids = result_ids(
        api_as("consultant_x").get(f"{E}/?page_size=100&" + query.format(y=world.y.pk))
    )
    assert not ids & _events(bw.y)


def test_filtering_by_another_municipality_is_an_empty_page_not_an_error(bw, world, api_as):
    response = api_as("member_a").get(f"{E}/?municipality={world.y.pk}")
    assert response.json()["count"] == 0
    unknown = api_as("member_a").get(f"{E}/?municipality=999999")
    assert unknown.json() == response.json()


def test_a_waitlisted_youth_sees_their_place_in_line(bw, world, api_as):
    small = f.EventFactory(municipality=world.x, youth_capacity=1)
    client = api_as("consultant_x")
    path = f"{E}/{small.pk}/youth-signups/"
    first = client.post(path, {"youth": bw.x.youth.pk}, format="json").json()
    second = client.post(path, {"youth": bw.x.youth2.pk}, format="json").json()
    third = client.post(path, {"youth": bw.x.youth3.pk}, format="json").json()
    assert (first["status"], first["waitlist_position"]) == ("confirmed", None)
    assert (second["status"], second["waitlist_position"]) == ("waitlisted", 1)
    assert third["waitlist_position"] == 2
    positions = {r["id"]: r["waitlist_position"] for r in client.get(path).json()["results"]}
    assert positions == {first["id"]: None, second["id"]: 1, third["id"]: 2}
    cancelled = client.post(f"{path}{first['id']}/cancel/", format="json").json()
    assert cancelled["status"] == "cancelled"
    positions = {r["id"]: r["waitlist_position"] for r in client.get(path).json()["results"]}
    assert positions == {first["id"]: None, second["id"]: None, third["id"]: 1}


def test_event_detail_lists_the_attending_companies_and_their_slots(bw, world, api_as):
    body = api_as("member_a").get(f"{E}/{bw.x.event.pk}/").json()
    assert [c["company"] for c in body["companies"]] == [world.company_a.pk]


def test_unknown_event_is_the_same_404_as_a_foreign_one(bw, api_as):
    client = api_as("consultant_x")
    foreign = assert_error(client.get(f"{E}/{bw.y.event.pk}/"), 404)
    unknown = assert_error(client.get(f"{E}/999999/"), 404)
    assert foreign == unknown


@pytest.mark.parametrize("page", ["0", "x", "99"])
def test_a_page_number_that_is_not_a_page_is_a_400_on_the_page_field(bw, api_as, page):
    response = api_as("consultant_x").get(f"{E}/", {"page": page})
    assert_error(response, 400, code="invalid", field="page")
