"""Moving an intro meeting over the API: a blank place keeps the place, as on the portal (the
service decides; the API only passes the input through)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories as f


@pytest.fixture
def accepted(world):
    youth = f.YouthFactory(municipality=world.x)
    slot = f.SlotFactory(company=world.company_a)
    return f.AcceptedInterestFactory(youth=youth, slot=slot, intro_meeting_place="Algade 1")


@pytest.mark.parametrize("place", [{}, {"place": None}, {"place": ""}, {"place": "   "}])
def test_a_move_without_a_place_or_with_a_blank_one_keeps_the_place(api_as, accepted, place):
    later = accepted.intro_meeting_at + timedelta(hours=3)
    response = api_as("member_a").post(
        f"/api/v1/interests/{accepted.pk}/move-intro/",
        {"intro_meeting_at": later.isoformat(), **place},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["intro_meeting_place"] == "Algade 1"
    accepted.refresh_from_db()
    assert (accepted.intro_meeting_at, accepted.intro_meeting_place) == (later, "Algade 1")


def test_a_move_with_a_place_changes_it(api_as, accepted):
    later = timezone.now() + timedelta(days=5)
    response = api_as("member_a").post(
        f"/api/v1/interests/{accepted.pk}/move-intro/",
        {"intro_meeting_at": later.isoformat(), "place": "  Torvet 3 "},
        format="json",
    )
    assert response.status_code == 200, response.content
    accepted.refresh_from_db()
    assert accepted.intro_meeting_place == "Torvet 3"


def test_a_refused_place_is_reported_at_the_field_the_client_sent(api_as, accepted):
    """The move's place is called ``place`` over the API; its error says ``place`` too."""
    response = api_as("member_a").post(
        f"/api/v1/interests/{accepted.pk}/move-intro/",
        {"intro_meeting_at": (timezone.now() + timedelta(days=5)).isoformat(), "place": "x" * 201},
        format="json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["code"], list(body["fields"])) == ("place_too_long", ["place"])
    accepted.refresh_from_db()
    assert accepted.intro_meeting_place == "Algade 1"
