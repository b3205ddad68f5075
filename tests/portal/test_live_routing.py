"""portal.realtime: each domain event reaches exactly the groups allowed to see it, ids only."""

import pytest

from domain.events import EVENT_TYPES, DomainEvent
from portal import realtime


def groups(event_type: str, **data) -> list[str]:
    return realtime.groups_for(DomainEvent(event_type, data))


def test_an_interest_reaches_the_youths_municipality_the_slots_company_and_admins():
    assert groups(
        "interest.created", id=5, municipality_id=1, company_id=7, youth_id=9, slot_id=3
    ) == ["admins", "municipality.1", "company.7"]


def test_a_slot_reaches_every_network_its_company_belongs_to():
    assert groups(
        "slot.published", id=3, company_id=7, municipality_id=None, municipality_ids=[1, 2]
    ) == ["admins", "municipality.1", "municipality.2", "company.7"]


def test_a_slot_of_a_company_in_no_network_yet_reaches_only_the_company_and_admins():
    assert groups(
        "slot.created", id=3, company_id=7, municipality_id=None, municipality_ids=[]
    ) == ["admins", "company.7"]


def test_a_companys_own_details_reach_no_municipality():
    assert groups("company.updated", id=7, company_id=7, municipality_id=None) == [
        "admins",
        "company.7",
    ]


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        ("checkin.created", {"id": 1, "municipality_id": 1, "youth_id": 2, "placement_id": 3}),
        ("note.created", {"id": 1, "municipality_id": 1, "youth_id": 2, "placement_id": 3}),
        ("youth.created", {"id": 2, "municipality_id": 1, "youth_id": 2}),
        ("meeting.moved", {"id": 4, "group_id": 5, "municipality_id": 1}),
        ("attendance.recorded", {"id": 4, "meeting_id": 5, "municipality_id": 1, "youth_id": 2}),
        # Even if a service ever added a company_id to these, companies must not hear of them.
        ("checkin.updated", {"id": 1, "municipality_id": 1, "company_id": 7, "youth_id": 2}),
        ("signup.created", {"id": 1, "event_id": 8, "municipality_id": 1, "company_id": 7}),
    ],
)
def test_youth_records_check_ins_and_notes_never_reach_a_company(event_type, data):
    assert not [g for g in groups(event_type, **data) if g.startswith("company.")]


def test_an_events_board_hears_of_the_event_its_companies_and_its_youth_sign_ups():
    assert groups("event.updated", id=8, municipality_id=1) == [
        "admins",
        "municipality.1",
        "event.8",
    ]
    assert groups("company_signup.created", id=2, event_id=8, municipality_id=1, company_id=7) == [
        "admins",
        "municipality.1",
        "company.7",
        "event.8",
    ]
    assert groups(
        "signup.checked_in", id=3, event_id=8, municipality_id=1, youth_id=9, status="attended"
    ) == ["admins", "municipality.1", "event.8"]


def test_interests_and_placements_never_reach_an_events_board():
    assert groups("placement.approved", id=1, municipality_id=1, company_id=7, youth_id=2) == [
        "admins",
        "municipality.1",
        "company.7",
    ]


def test_worker_wake_ups_go_nowhere():
    assert groups("outbox.enqueued", id=1, due_at="2026-12-01T08:00:00+00:00") == []


def test_every_other_event_type_reaches_the_admins():
    for event_type in EVENT_TYPES - realtime.SILENT_TYPES:
        assert "admins" in groups(event_type, id=1, municipality_id=1)


def test_staff_receive_the_ids_and_the_type_only():
    event = DomainEvent(
        "signup.created",
        {"id": 3, "event_id": 8, "municipality_id": 1, "youth_id": 9, "status": "waitlisted"},
    )
    assert realtime.payload_for(event, "municipality.1") == {
        "type": "signup.created",
        "id": 3,
        "event_id": 8,
        "municipality_id": 1,
        "youth_id": 9,
    }
    assert realtime.payload_for(event, "admins")["youth_id"] == 9


def test_companies_and_boards_receive_no_youth_or_municipality_ids():
    event = DomainEvent(
        "interest.created",
        {"id": 5, "municipality_id": 1, "company_id": 7, "youth_id": 9, "slot_id": 3},
    )
    expected = {"type": "interest.created", "id": 5, "company_id": 7, "slot_id": 3}
    assert realtime.payload_for(event, "company.7") == expected
    assert realtime.payload_for(event, "event.8") == expected


def test_nothing_but_whole_numbers_passes_into_a_payload():
    event = DomainEvent(
        "youth.consented",
        {"id": 2, "municipality_id": 1, "youth_id": "Ida", "consent_version": "2026-1"},
    )
    assert realtime.payload_for(event, "admins") == {
        "type": "youth.consented",
        "id": 2,
        "municipality_id": 1,
    }
