"""The permission matrix for interests, placements, check-ins and follow-up notes, cell by
cell; lists never show a foreign object, and a company sees only the youth fields it may."""

from datetime import timedelta

import pytest
from django.utils import timezone

from domain.models import Placement
from tests import factories as f
from tests.api.b_world import (
    assert_cell,
    call,
    company_a_and_staff,
    everyone,
    expand,
    result_ids,
    result_rows,
    staff_only,
)
from tests.api.conftest import ROLES, assert_error

INTERESTS, P = "/api/v1/interests", "/api/v1/placements"


def _soon(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def _terms(days: int = 7) -> dict:
    return {"hours_per_week": 15, "start_date": (timezone.localdate() + timedelta(days=days))}


CASES = [
    ("interests-list", "get", lambda b: f"{INTERESTS}/", None, everyone()),
    (
        "interest-detail",
        "get",
        lambda b: f"{INTERESTS}/{b.x.interest.pk}/",
        None,
        company_a_and_staff(200),
    ),
    (
        "interest-create",
        "post",
        lambda b: f"{INTERESTS}/",
        lambda b, w: {"youth": b.x.youth2.pk, "slot": b.x.slots[0].pk, "message": "Hej"},
        staff_only(201),
    ),
    (
        "interest-accept",
        "post",
        lambda b: f"{INTERESTS}/{b.x.interest.pk}/accept/",
        lambda b, w: {"intro_meeting_at": _soon(3), "intro_meeting_place": "Bageriet"},
        company_a_and_staff(200),
    ),
    (
        "interest-decline",
        "post",
        lambda b: f"{INTERESTS}/{b.x.interest.pk}/decline/",
        lambda b, w: {"reason": "Pladsen er besat"},
        company_a_and_staff(200),
    ),
    (
        "interest-withdraw",
        "post",
        lambda b: f"{INTERESTS}/{b.x.interest.pk}/withdraw/",
        None,
        staff_only(200),
    ),
    (
        "interest-move-intro",
        "post",
        lambda b: f"{INTERESTS}/{b.x.accepted.pk}/move-intro/",
        lambda b, w: {"intro_meeting_at": _soon(4)},
        company_a_and_staff(200),
    ),
    ("placements-list", "get", lambda b: f"{P}/", None, everyone()),
    (
        "placement-detail",
        "get",
        lambda b: f"{P}/{b.x.proposed.pk}/",
        None,
        company_a_and_staff(200),
    ),
    (
        "placement-propose",
        "post",
        lambda b: f"{P}/",
        lambda b, w: {"interest": b.x.accepted.pk, **_terms()},
        staff_only(201),
    ),
    (
        "placement-approve",
        "post",
        lambda b: f"{P}/{b.x.proposed.pk}/approve/",
        None,
        staff_only(200),
    ),
    (
        "placement-reject",
        "post",
        lambda b: f"{P}/{b.x.proposed.pk}/reject/",
        lambda b, w: {"reason": "Timerne passer ikke med skolen"},
        staff_only(200),
    ),
    ("placement-start", "post", lambda b: f"{P}/{b.x.approved.pk}/start/", None, staff_only(200)),
    (
        "placement-complete",
        "post",
        lambda b: f"{P}/{b.x.active.pk}/complete/",
        None,
        staff_only(200),
    ),
    (
        "placement-end-early",
        "post",
        lambda b: f"{P}/{b.x.active.pk}/end-early/",
        lambda b, w: {"reason": "Flytter til en anden by"},
        staff_only(200),
    ),
    (
        "placement-switch",
        "post",
        lambda b: f"{P}/{b.x.active.pk}/switch/",
        lambda b, w: {"to_interest": b.x.accepted.pk, **_terms(1)},
        staff_only(201),
    ),
    (
        "checkins-list",
        "get",
        lambda b: f"{P}/{b.x.proposed.pk}/checkins/",
        None,
        staff_only(200),
    ),
    ("notes-list", "get", lambda b: f"{P}/{b.x.proposed.pk}/notes/", None, staff_only(200)),
    (
        "note-create",
        "post",
        lambda b: f"{P}/{b.x.proposed.pk}/notes/",
        lambda b, w: {"text": "Mødt kontaktpersonen.", "met_workplace_contact": True},
        staff_only(201),
    ),
]


def test_every_case_names_every_role():
    assert all(set(statuses) == set(ROLES) for *_, statuses in CASES)


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), expand(CASES))
def test_placements_permission_matrix(bw, world, api_as, method, path, body, role, status):
    assert_cell(call(api_as(role), method, path(bw), body(bw, world) if body else None), status)


def _interests(side) -> set[int]:
    return {side.interest.pk, side.accepted.pk}


def _placements(side) -> set[int]:
    return {side.proposed.pk, side.approved.pk, side.active.pk}


@pytest.mark.parametrize(
    ("role", "sides"),
    [
        ("member_a", "x"),
        ("member_b", "y"),
        ("consultant_x", "x"),
        ("consultant_y", "y"),
        ("admin", "xy"),
    ],
)
def test_lists_show_exactly_the_visible_interests_and_placements(bw, api_as, role, sides):
    client = api_as(role)
    expected = [getattr(bw, side) for side in sides]
    assert result_ids(client.get(f"{INTERESTS}/")) == set().union(*map(_interests, expected))
    assert result_ids(client.get(f"{P}/")) == set().union(*map(_placements, expected))


@pytest.mark.parametrize(
    "query", ["company={b}", "slot={slot_b}", "search=Praktik", "ordering=-created_at"]
)
def test_filters_search_and_ordering_never_reach_another_company(bw, world, api_as, query):
    query = query.format(b=world.company_b.pk, slot_b=bw.y.slots[0].pk)
    client = api_as("member_a")
    assert not result_ids(client.get(f"{INTERESTS}/?{query}")) & _interests(bw.y)
    assert not result_ids(client.get(f"{P}/?{query}")) & _placements(bw.y)


def test_filtering_by_another_company_is_an_empty_page_not_an_error(bw, world, api_as):
    client = api_as("member_a")
    foreign = client.get(f"{INTERESTS}/?company={world.company_b.pk}").json()
    assert foreign["count"] == 0
    assert client.get(f"{INTERESTS}/?company=999999").json() == foreign


def test_a_company_sees_only_first_name_age_sectors_and_message(bw, api_as):
    rows = result_rows(api_as("member_a").get(f"{INTERESTS}/"))
    for row in rows:
        assert row["youth"]["id"] is None
        assert row["youth"]["last_name"] is None
        assert row["youth"]["first_name"]
        assert row["youth"]["age"] is not None
    placements = result_rows(api_as("member_a").get(f"{P}/"))
    assert all(row["youth"]["id"] is None for row in placements)
    assert all(row["reject_reason"] is None for row in placements)
    staff_rows = result_rows(api_as("consultant_x").get(f"{INTERESTS}/"))
    assert {row["youth"]["id"] for row in staff_rows} == {bw.x.youth.pk, bw.x.youth3.pk}


def test_the_company_gets_the_contact_only_with_an_approved_placement(bw, world, api_as):
    client = api_as("member_a")
    youth = bw.x.youth
    assert youth.telegram_username == "ung_x"
    assert client.get(f"{INTERESTS}/{bw.x.interest.pk}/").json()["contact"] is None
    f.PlacementFactory(
        youth=youth,
        slot=bw.x.slots[0],
        interest=bw.x.interest,
        status=Placement.Status.APPROVED,
    )
    assert client.get(f"{INTERESTS}/{bw.x.interest.pk}/").json()["contact"] == "ung_x"


def test_company_members_may_not_read_notes_or_checkins_of_their_own_placements(bw, api_as):
    client = api_as("member_a")
    assert_error(client.get(f"{P}/{bw.x.proposed.pk}/notes/"), 403)
    assert_error(client.get(f"{P}/{bw.x.proposed.pk}/checkins/"), 403)


def test_a_foreign_placement_is_the_same_404_as_an_unknown_one(bw, api_as):
    client = api_as("consultant_x")
    foreign = assert_error(client.post(f"{P}/{bw.y.proposed.pk}/approve/"), 404)
    unknown = assert_error(client.post(f"{P}/999999/approve/"), 404)
    assert foreign == unknown
