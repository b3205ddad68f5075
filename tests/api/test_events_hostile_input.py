"""Hostile input on the events, groups and placements endpoints: numbers beyond the database's
integer range and NUL characters are a clear 400, never a 500 from the database driver."""

import pytest

from tests.api import b_world
from tests.api.conftest import assert_error
from tests.helpers import snapshot

HUGE = 10**20


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/v1/events/?municipality={HUGE}", "municipality"),
        (f"/api/v1/groups/?municipality={HUGE}", "municipality"),
        (f"/api/v1/meetings/?group={HUGE}", "group"),
        (f"/api/v1/interests/?company={HUGE}", "company"),
        (f"/api/v1/placements/?slot={HUGE}", "slot"),
        ("/api/v1/events/?search=%00", None),
        ("/api/v1/interests/?search=a%00b", None),
    ],
)
def test_hostile_list_parameters_are_a_400(bw, api_as, path, field):
    assert_error(api_as("consultant_x").get(path), 400, code="invalid", field=field)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            lambda b, w: f"/api/v1/events/{b.x.free_event.pk}/company-signups/",
            lambda b, w: {"company": w.company_a.pk, "slot_ids": [HUGE]},
            "slot_ids.0",
        ),
        (
            lambda b, w: f"/api/v1/events/{b.x.free_event.pk}/youth-signups/",
            lambda b, w: {"youth": HUGE},
            "youth",
        ),
        (
            lambda b, w: "/api/v1/groups/",
            lambda b, w: {"name": "Ny", "facilitator_ids": [HUGE]},
            "facilitator_ids.0",
        ),
        (
            lambda b, w: "/api/v1/interests/",
            lambda b, w: {"youth": b.x.youth2.pk, "slot": HUGE},
            "slot",
        ),
        (
            lambda b, w: f"/api/v1/placements/{b.x.active.pk}/switch/",
            lambda b, w: {"to_interest": HUGE, "hours_per_week": 15, "start_date": "2026-12-24"},
            "to_interest",
        ),
        (
            lambda b, w: f"/api/v1/placements/{b.x.proposed.pk}/notes/",
            lambda b, w: {"text": "a\x00b"},
            "text",
        ),
    ],
)
def test_hostile_bodies_are_a_400_and_change_nothing(bw, world, api_as, path, body, field):
    before = snapshot(*b_world.tables())
    response = api_as("consultant_x").post(path(bw, world), body(bw, world), format="json")
    assert_error(response, 400, code="invalid", field=field)
    assert snapshot(*b_world.tables()) == before
