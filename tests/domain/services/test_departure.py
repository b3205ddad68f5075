"""A youth who leaves or is erased gives back what they hold: seats, interests, sign-ups."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import Interest, OutboxMessage, Placement, YouthSignup
from domain.services.placements import placement_start
from domain.services.privacy import youth_erase
from domain.services.signups import youth_signup
from domain.services.youth import youth_leave
from tests import factories as f

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def leave(youth, consultant):
    youth_leave(youth=youth, actor=consultant.user, destination="unknown")


def erase(youth, consultant):
    youth_erase(youth=youth, actor=youth)


@pytest.mark.parametrize("departure", [leave, erase], ids=["leave", "erase"])
def test_departing_frees_the_slot_seat_and_withdraws_live_interests(
    youth, consultant, company, departure
):
    slot = f.SlotFactory(company=company, seats=1)
    interest = f.AcceptedInterestFactory(youth=youth, slot=slot)
    approved = f.PlacementFactory(
        youth=youth, slot=slot, interest=interest, status=Placement.Status.APPROVED
    )
    pending = f.InterestFactory(youth=youth, slot=f.SlotFactory(company=company))

    departure(youth, consultant)

    approved.refresh_from_db()
    assert approved.status == Placement.Status.WITHDRAWN
    assert not Placement.objects.filter(slot=slot, status__in=Placement.SEATED).exists()
    assert set(
        Interest.objects.filter(pk__in=[interest.pk, pending.pk]).values_list("status", flat=True)
    ) == {Interest.Status.WITHDRAWN}


@pytest.mark.parametrize("departure", [leave, erase], ids=["leave", "erase"])
def test_departing_ends_an_active_placement_early(youth, consultant, slot, departure):
    active = f.PlacementFactory(
        youth=youth, slot=slot, status=Placement.Status.ACTIVE, start_date=date(2026, 11, 2)
    )
    departure(youth, consultant)
    active.refresh_from_db()
    assert active.status == Placement.Status.ENDED_EARLY


@pytest.mark.parametrize("departure", [leave, erase], ids=["leave", "erase"])
def test_departing_gives_the_event_seat_to_the_first_on_the_waitlist(
    youth, consultant, municipality, departure
):
    event = f.EventFactory(municipality=municipality, youth_capacity=1)
    seat = youth_signup(event=event, youth=youth, actor=youth)
    waiting = f.YouthFactory(municipality=municipality)
    queued = youth_signup(event=event, youth=waiting, actor=waiting)
    assert queued.status == YouthSignup.Status.WAITLISTED

    departure(youth, consultant)

    seat.refresh_from_db()
    queued.refresh_from_db()
    assert (seat.status, queued.status) == (
        YouthSignup.Status.CANCELLED,
        YouthSignup.Status.CONFIRMED,
    )
    assert OutboxMessage.objects.filter(
        recipient=waiting, kind=OutboxMessage.Kind.WAITLIST_PROMOTED
    ).exists()


def test_a_placement_of_a_youth_who_left_is_never_started(youth, consultant, slot):
    approved = f.PlacementFactory(
        youth=youth, slot=slot, status=Placement.Status.APPROVED, start_date=date(2026, 11, 23)
    )
    youth.status = "left"
    youth.save(update_fields=["status"])  # as if left before this rule existed
    with pytest.raises(DomainError) as err:
        placement_start(placement=approved, now=NOW + timedelta(hours=1))
    assert err.value.code == "invalid_state"
    approved.refresh_from_db()
    assert approved.status == Placement.Status.APPROVED
