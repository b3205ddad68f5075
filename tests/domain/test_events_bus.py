"""The domain-event bus: delivered after commit, never for a rolled-back change."""

import pytest
from django.db import transaction

from domain import events
from tests import factories as f


@pytest.fixture
def received():
    seen: list[events.DomainEvent] = []

    def listener(event: events.DomainEvent) -> None:
        seen.append(event)

    events.subscribe("slot.published")(listener)
    yield seen
    events.unsubscribe(listener)


def test_subscribers_run_after_commit(db, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("slot.published", id=7, municipality_id=1)
        assert received == []
    assert received == [events.DomainEvent("slot.published", {"id": 7, "municipality_id": 1})]
    assert received[0].handler_name == "slot_published"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_announces_nothing(received):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("slot.published", id=7)
        raise RuntimeError("boom")
    assert received == []


def test_unknown_event_types_are_refused(db):
    with pytest.raises(ValueError, match="Unknown event type"):
        events.publish("slot.exploded", id=1)
    with pytest.raises(ValueError, match="Unknown event types"):
        events.subscribe("nope")


def test_a_failing_subscriber_does_not_stop_the_others(
    db, received, django_capture_on_commit_callbacks, caplog
):
    def broken(event):
        raise RuntimeError("listener bug")

    events.subscribe("slot.published")(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            events.publish("slot.published", id=1)
    finally:
        events.unsubscribe(broken)
    assert len(received) == 1
    assert "listener bug" in caplog.text


def test_subject_ids_route_to_the_youth_and_only_when_told_to_the_company(youth, slot):
    """One helper gives the services' interest, placement and check-in events their ids; a
    check-in's never name the company or the slot."""
    placement = f.PlacementFactory(youth=youth, slot=slot)
    youths = {"municipality_id": youth.municipality_id, "youth_id": youth.pk}
    company = {"company_id": slot.company_id, "slot_id": slot.pk}

    assert events.subject_ids(placement) == {"id": placement.pk, **youths, **company}
    checkin = f.CheckInFactory(placement=placement)
    ids = events.subject_ids(checkin, owner=placement, to_company=False, placement_id=placement.pk)
    assert ids == {"id": checkin.pk, **youths, "placement_id": placement.pk}
