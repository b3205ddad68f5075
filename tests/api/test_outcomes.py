"""Leaving with a destination and recording what a placement led to, over the API: required,
validated (400 naming the field), and only for staff of the youth's municipality."""

import pytest

from domain.models import Placement, Youth
from tests import factories as f
from tests.api.conftest import assert_error


@pytest.fixture
def active(world):
    return f.YouthFactory(municipality=world.x)


@pytest.fixture
def ended(world, active):
    slot = f.SlotFactory(company=world.company_a)
    return f.PlacementFactory(youth=active, slot=slot, status=Placement.Status.COMPLETED)


def test_leaving_needs_a_destination(api_as, active):
    response = api_as("consultant_x").post(f"/api/v1/youth/{active.pk}/leave/", {}, format="json")
    assert_error(response, 400, field="destination")
    assert Youth.objects.get(pk=active.pk).status == Youth.Status.ACTIVE


def test_a_future_destination_date_is_a_400_at_its_field(api_as, active):
    response = api_as("consultant_x").post(
        f"/api/v1/youth/{active.pk}/leave/",
        {"destination": "education", "destination_date": "2999-01-01"},
        format="json",
    )
    assert_error(response, 400, code="date_in_future", field="destination_date")


def test_leaving_answers_with_the_destination(api_as, active):
    response = api_as("admin").post(
        f"/api/v1/youth/{active.pk}/leave/",
        {"destination": "ordinary_job", "destination_date": "2026-01-05"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["destination"], body["destination_date"]) == (
        "left",
        "ordinary_job",
        "2026-01-05",
    )


def test_an_unknown_destination_is_a_400(api_as, active):
    response = api_as("consultant_x").post(
        f"/api/v1/youth/{active.pk}/leave/", {"destination": "holiday"}, format="json"
    )
    assert_error(response, 400, field="destination")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("consultant_x", 200),
        ("admin", 200),
        ("consultant_y", 404),
        ("member_a", 403),
        ("norole", 403),
        ("anonymous", 401),
    ],
)
def test_recording_a_placements_outcome(api_as, ended, role, status):
    response = api_as(role).post(
        f"/api/v1/placements/{ended.pk}/outcome/", {"outcome": "paid_hours"}, format="json"
    )
    assert response.status_code == status, response.content
    ended.refresh_from_db()
    assert ended.outcome == ("paid_hours" if status == 200 else "")
    if status == 200:
        assert response.json()["outcome"] == "paid_hours"


def test_an_outcome_needs_a_valid_choice(api_as, ended):
    response = api_as("consultant_x").post(
        f"/api/v1/placements/{ended.pk}/outcome/", {"outcome": "a job"}, format="json"
    )
    assert_error(response, 400, field="outcome")


def test_a_company_never_sees_the_outcome(api_as, ended):
    ended.outcome = "job_offer"
    ended.save(update_fields=["outcome"])
    body = api_as("member_a").get(f"/api/v1/placements/{ended.pk}/").json()
    assert body["outcome"] is None
