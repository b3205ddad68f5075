"""The permission matrix for network groups, meetings and attendance, cell by cell: consultants
of the group's municipality and admins only; lists never show a foreign object."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.b_world import assert_cell, call, expand, result_ids, staff_only
from tests.api.conftest import ROLES, assert_error

G, M = "/api/v1/groups", "/api/v1/meetings"

STAFF_LIST = staff_only(200, other_consultant=200)

CASES = [
    ("groups-list", "get", lambda b: f"{G}/", None, STAFF_LIST),
    ("group-detail", "get", lambda b: f"{G}/{b.x.group.pk}/", None, staff_only(200)),
    (
        "group-create",
        "post",
        lambda b: f"{G}/",
        lambda b, w: {"municipality": w.x.pk, "name": "Torsdagsgruppen"},
        staff_only(201, other_consultant=403),
    ),
    (
        "group-update",
        "patch",
        lambda b: f"{G}/{b.x.group.pk}/",
        lambda b, w: {"name": "Nyt navn"},
        staff_only(200),
    ),
    (
        "group-add-member",
        "post",
        lambda b: f"{G}/{b.x.group.pk}/add-member/",
        lambda b, w: {"youth": b.x.youth.pk},
        staff_only(200),
    ),
    (
        "group-remove-member",
        "post",
        lambda b: f"{G}/{b.x.group.pk}/remove-member/",
        lambda b, w: {"youth": b.x.member.pk},
        staff_only(200),
    ),
    (
        "group-add-schedule",
        "post",
        lambda b: f"{G}/{b.x.group.pk}/schedules/",
        lambda b, w: {
            "weekday": 2,
            "start_time": "16:00",
            "place": "Ungehuset",
            "starts_on": timezone.localdate().isoformat(),
        },
        staff_only(201),
    ),
    (
        "group-deactivate",
        "post",
        lambda b: f"{G}/{b.x.group.pk}/deactivate/",
        None,
        staff_only(200),
    ),
    ("meetings-list", "get", lambda b: f"{M}/", None, STAFF_LIST),
    ("meeting-detail", "get", lambda b: f"{M}/{b.x.meeting.pk}/", None, staff_only(200)),
    (
        "meeting-move",
        "post",
        lambda b: f"{M}/{b.x.meeting.pk}/move/",
        lambda b, w: {"starts_at": (timezone.now() + timedelta(days=5)).isoformat()},
        staff_only(200),
    ),
    (
        "meeting-cancel",
        "post",
        lambda b: f"{M}/{b.x.meeting.pk}/cancel/",
        lambda b, w: {"reason": "Sygdom hos facilitator"},
        staff_only(200),
    ),
    (
        "attendance-list",
        "get",
        lambda b: f"{M}/{b.x.meeting.pk}/attendance/",
        None,
        staff_only(200),
    ),
    (
        "attendance-record",
        "post",
        lambda b: f"{M}/{b.x.meeting.pk}/attendance/",
        lambda b, w: {"youth": b.x.member.pk, "status": "excused"},
        staff_only(201),
    ),
]


def test_every_case_names_every_role():
    assert all(set(statuses) == set(ROLES) for *_, statuses in CASES)


@pytest.mark.parametrize(("method", "path", "body", "role", "status"), expand(CASES))
def test_groups_permission_matrix(bw, world, api_as, method, path, body, role, status):
    assert_cell(call(api_as(role), method, path(bw), body(bw, world) if body else None), status)


@pytest.mark.parametrize(
    ("role", "side"), [("consultant_x", "x"), ("consultant_y", "y"), ("admin", None)]
)
def test_group_and_meeting_lists_show_exactly_the_visible_ones(bw, api_as, role, side):
    sides = [getattr(bw, side)] if side else [bw.x, bw.y]
    client = api_as(role)
    assert result_ids(client.get(f"{G}/")) == {s.group.pk for s in sides}
    assert result_ids(client.get(f"{M}/")) == {s.meeting.pk for s in sides}


@pytest.mark.parametrize("query", ["group={y_group}", "search=Gruppe Y", "ordering=-name"])
def test_group_filters_never_reach_another_municipality(bw, api_as, query):
    client = api_as("consultant_x")
    query = query.format(y_group=bw.y.group.pk)
    assert bw.y.group.pk not in result_ids(client.get(f"{G}/?{query}"))
    assert bw.y.meeting.pk not in result_ids(client.get(f"{M}/?{query}"))


def test_adding_a_member_outside_six_to_twelve_warns_but_adds(bw, api_as):
    response = api_as("consultant_x").post(
        f"{G}/{bw.x.group.pk}/add-member/", {"youth": bw.x.youth.pk}, format="json"
    )
    body = response.json()
    assert (body["size"], body["youth"]) == (2, bw.x.youth.pk)
    assert body["warning"]


def test_a_foreign_youth_is_the_same_404_as_an_unknown_one(bw, api_as):
    client = api_as("consultant_x")
    path = f"{G}/{bw.x.group.pk}/add-member/"
    foreign = assert_error(client.post(path, {"youth": bw.y.youth.pk}, format="json"), 404)
    unknown = assert_error(client.post(path, {"youth": 999999}, format="json"), 404)
    assert foreign == unknown
    assert foreign["fields"] == {"youth": [foreign["message"]]}
