"""Slots: create and edit rules, every status transition, closing declines waiting interests."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.exceptions import DomainError
from domain.models import AuditEntry, Interest, NetworkMembership, OutboxMessage, Placement, Slot
from domain.services.slots import (
    CLOSED_REASON,
    slot_close,
    slot_create,
    slot_pause,
    slot_publish,
    slot_resume,
    slot_update,
)
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)
Status = Slot.Status


def create(company, actor, **overrides):
    values = {
        "title": "Butiksmedhjælper",
        "description": "Hjælp med varer og kunder.",
        "kind": Slot.Kind.INTERNSHIP,
        "sector": "retail",
        "address": "Algade 1",
        "postcode": "4000",
        "hours_min": 10,
        "hours_max": 20,
        "earliest_start": TODAY + timedelta(days=7),
        "end_date": None,
        "seats": 2,
        "now": NOW,
    }
    values.update(overrides)
    return slot_create(company=company, actor=actor, **values)


# --- slot_create -------------------------------------------------------------------------------


def test_slot_create_makes_a_draft(
    company, company_member, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        slot = create(company, company_member.user)
    slot.refresh_from_db()
    assert slot.status == Status.DRAFT
    assert slot.published_at is None
    assert (slot.hours_min, slot.hours_max, slot.seats, slot.sector.code) == (10, 20, 2, "retail")
    assert [e.type for e in published] == ["slot.created"]
    assert published[0].data["company_id"] == company.pk


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"hours_min": 0}, "hours_out_of_range", "hours_min"),
        ({"hours_max": 38}, "hours_out_of_range", "hours_max"),
        ({"hours_min": 21, "hours_max": 20}, "hours_out_of_range", "hours_min"),
        ({"hours_min": "ten"}, "hours_out_of_range", "hours_min"),
        ({"hours_min": True}, "hours_out_of_range", "hours_min"),
        ({"seats": 0}, "seats_out_of_range", "seats"),
        ({"seats": 51}, "seats_out_of_range", "seats"),
        ({"title": ""}, "required", "title"),
        ({"title": "x" * 121}, "too_long", "title"),
        ({"description": "x" * 4001}, "too_long", "description"),
        ({"address": ""}, "required", "address"),
        ({"postcode": "40a0"}, "postcode_invalid", "postcode"),
        ({"postcode": "400"}, "postcode_invalid", "postcode"),
        ({"kind": "volunteer"}, "kind_invalid", "kind"),
        ({"sector": "space"}, "sector_invalid", "sector"),
        ({"earliest_start": TODAY - timedelta(days=1)}, "date_in_past", "earliest_start"),
        ({"earliest_start": TODAY + timedelta(days=800)}, "date_too_far", "earliest_start"),
        ({"earliest_start": "not a date"}, "date_invalid", "earliest_start"),
        ({"end_date": TODAY + timedelta(days=6)}, "end_before_start", "end_date"),
    ],
)
def test_slot_create_validates_input(company, company_member, overrides, code, field):
    with pytest.raises(DomainError) as exc:
        create(company, company_member.user, **overrides)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not Slot.objects.exists()


def test_slot_create_accepts_the_boundaries(company, company_member):
    slot = create(
        company,
        company_member.user,
        hours_min=1,
        hours_max=37,
        seats=50,
        earliest_start=TODAY,
        end_date=TODAY,
    )
    assert (slot.hours_min, slot.hours_max, slot.seats) == (1, 37, 50)


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("company_member", True),
        ("consultant", True),
        ("admin_user", True),
        ("other_company_member", False),
        ("other_consultant", False),
        ("youth", False),
    ],
)
def test_slot_create_permissions(request, company, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    if allowed:
        assert create(company, actor).company == company
    else:
        with pytest.raises(DomainError) as exc:
            create(company, actor)
        assert exc.value.code == "forbidden"
        assert not Slot.objects.exists()


def test_consultant_cannot_create_slots_for_a_company_only_pending_in_their_network(
    municipality, consultant
):
    company = f.CompanyFactory()
    f.MembershipFactory(
        company=company, municipality=municipality, status=NetworkMembership.Status.PENDING
    )
    with pytest.raises(DomainError) as exc:
        create(company, consultant.user)
    assert exc.value.code == "forbidden"


# --- transitions -------------------------------------------------------------------------------

SERVICES = {
    "publish": slot_publish,
    "pause": slot_pause,
    "resume": slot_resume,
    "close": slot_close,
}
ALLOWED = {
    ("publish", Status.DRAFT): Status.OPEN,
    ("pause", Status.OPEN): Status.PAUSED,
    ("resume", Status.PAUSED): Status.OPEN,
    ("close", Status.DRAFT): Status.CLOSED,
    ("close", Status.OPEN): Status.CLOSED,
    ("close", Status.PAUSED): Status.CLOSED,
}


@pytest.mark.parametrize("action", list(SERVICES))
@pytest.mark.parametrize("status", list(Status))
def test_every_slot_transition(company, company_member, action, status):
    slot = f.SlotFactory(company=company, status=status, published_at=None)
    before = helpers.stored(slot)
    expected = ALLOWED.get((action, status))
    if expected:
        result = SERVICES[action](slot=slot, actor=company_member.user, now=NOW)
        slot.refresh_from_db()
        assert result.status == slot.status == expected
        assert AuditEntry.objects.filter(action=f"slot.{action}", target_id=slot.pk).exists()
    else:
        with pytest.raises(DomainError) as exc:
            SERVICES[action](slot=slot, actor=company_member.user, now=NOW)
        assert exc.value.code == "invalid_state"
        assert helpers.stored(slot) == before
        assert not AuditEntry.objects.exists()


def test_slot_publish_sets_published_at_and_announces(
    company, company_member, published, django_capture_on_commit_callbacks, municipality
):
    slot = f.SlotFactory(company=company, status=Status.DRAFT, published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        slot_publish(slot=slot, actor=company_member.user, now=NOW)
    slot.refresh_from_db()
    assert slot.published_at == NOW
    assert [e.type for e in published] == ["slot.published"]
    assert published[0].data == {
        "id": slot.pk,
        "company_id": company.pk,
        "municipality_id": None,
        "municipality_ids": [municipality.pk],
    }


@pytest.mark.parametrize("membership", [None, "pending", "rejected"])
def test_slot_publish_refuses_a_company_outside_every_network(municipality, admin_user, membership):
    company = f.CompanyFactory()
    if membership:
        f.MembershipFactory(company=company, municipality=municipality, status=membership)
    slot = f.SlotFactory(company=company, status=Status.DRAFT, published_at=None)
    with pytest.raises(DomainError) as exc:
        slot_publish(slot=slot, actor=admin_user)
    assert exc.value.code == "not_in_network"
    slot.refresh_from_db()
    assert (slot.status, slot.published_at) == (Status.DRAFT, None)


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("company_member", True),
        ("consultant", True),
        ("admin_user", True),
        (None, True),  # the system
        ("other_company_member", False),
        ("other_consultant", False),
        ("youth", False),
    ],
)
@pytest.mark.parametrize("action", ["publish", "pause", "resume", "close"])
def test_slot_transition_permissions(request, company, actor_name, allowed, action):
    start = {
        "publish": Status.DRAFT,
        "pause": Status.OPEN,
        "resume": Status.PAUSED,
        "close": Status.OPEN,
    }[action]
    slot = f.SlotFactory(company=company, status=start)
    actor = helpers.actor(request, actor_name)
    if allowed:
        SERVICES[action](slot=slot, actor=actor)
        slot.refresh_from_db()
        assert slot.status == ALLOWED[(action, start)]
    else:
        with pytest.raises(DomainError) as exc:
            SERVICES[action](slot=slot, actor=actor)
        assert exc.value.code == "forbidden"
        slot.refresh_from_db()
        assert slot.status == start


# --- slot_update -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.OPEN, Status.PAUSED])
def test_slot_update_changes_editable_slots(company, company_member, status):
    slot = f.SlotFactory(company=company, status=status)
    slot_update(slot=slot, actor=company_member.user, title="Ny titel", hours_max=30, now=NOW)
    slot.refresh_from_db()
    assert (slot.title, slot.hours_max, slot.status) == ("Ny titel", 30, status)


def test_slot_update_refuses_a_closed_slot(company, company_member):
    slot = f.SlotFactory(company=company, status=Status.CLOSED)
    before = helpers.stored(slot)
    with pytest.raises(DomainError) as exc:
        slot_update(slot=slot, actor=company_member.user, title="Ny titel")
    assert exc.value.code == "invalid_state"
    assert helpers.stored(slot) == before


def test_slot_update_checks_hours_against_the_current_values(company, company_member):
    slot = f.SlotFactory(company=company, hours_min=10, hours_max=20)
    with pytest.raises(DomainError) as exc:
        slot_update(slot=slot, actor=company_member.user, hours_min=25)
    assert (exc.value.code, exc.value.field) == ("hours_out_of_range", "hours_min")
    slot.refresh_from_db()
    assert slot.hours_min == 10


def test_slot_update_keeps_a_start_that_has_passed(company, company_member):
    # An open slot whose start lies behind it can still be edited (forms send every field).
    slot = f.SlotFactory(company=company, earliest_start=TODAY - timedelta(days=30))
    slot_update(
        slot=slot,
        actor=company_member.user,
        title="Stadig ledig",
        earliest_start=TODAY - timedelta(days=30),
        now=NOW,
    )
    slot.refresh_from_db()
    assert slot.title == "Stadig ledig"
    with pytest.raises(DomainError) as exc:
        slot_update(
            slot=slot, actor=company_member.user, earliest_start=TODAY - timedelta(days=1), now=NOW
        )
    assert exc.value.code == "date_in_past"


def test_slot_update_seats_may_not_drop_below_seated_placements(company, company_member):
    slot = f.SlotFactory(company=company, seats=4)
    f.PlacementFactory(slot=slot, status=Placement.Status.APPROVED)
    f.PlacementFactory(slot=slot, status=Placement.Status.ACTIVE)
    # Not seated: proposed, rejected, completed.
    f.PlacementFactory(slot=slot, status=Placement.Status.PROPOSED)
    f.PlacementFactory(slot=slot, status=Placement.Status.REJECTED, reject_reason="Nej")
    f.PlacementFactory(slot=slot, status=Placement.Status.COMPLETED)

    with pytest.raises(DomainError) as exc:
        slot_update(slot=slot, actor=company_member.user, seats=1)
    assert (exc.value.code, exc.value.field) == ("seats_below_placements", "seats")
    slot.refresh_from_db()
    assert slot.seats == 4

    slot_update(slot=slot, actor=company_member.user, seats=2)
    slot.refresh_from_db()
    assert slot.seats == 2


@pytest.mark.parametrize(
    ("actor_name", "allowed"),
    [
        ("company_member", True),
        ("consultant", True),
        ("admin_user", True),
        ("other_company_member", False),
        ("other_consultant", False),
        ("youth", False),
    ],
)
def test_slot_update_permissions(request, slot, actor_name, allowed):
    actor = helpers.actor(request, actor_name)
    if allowed:
        slot_update(slot=slot, actor=actor, title="Opdateret")
        slot.refresh_from_db()
        assert slot.title == "Opdateret"
    else:
        before = helpers.stored(slot)
        with pytest.raises(DomainError) as exc:
            slot_update(slot=slot, actor=actor, title="Opdateret")
        assert exc.value.code == "forbidden"
        assert helpers.stored(slot) == before


# --- slot_close --------------------------------------------------------------------------------


def test_slot_close_declines_pending_interests_and_tells_the_youth(
    slot, company_member, municipality, published, django_capture_on_commit_callbacks
):
    linked = f.InterestFactory(slot=slot, youth__municipality=municipality, message="Hej!")
    unlinked = f.InterestFactory(slot=slot, youth=f.InvitedYouthFactory(municipality=municipality))
    accepted = f.InterestFactory(
        slot=slot, status=Interest.Status.ACCEPTED, intro_meeting_at=NOW + timedelta(days=2)
    )
    withdrawn = f.InterestFactory(slot=slot, status=Interest.Status.WITHDRAWN)

    with django_capture_on_commit_callbacks(execute=True):
        slot_close(slot=slot, actor=company_member.user, now=NOW)

    for interest in (linked, unlinked):
        interest.refresh_from_db()
        assert interest.status == Interest.Status.DECLINED
        assert interest.decline_reason == CLOSED_REASON
        assert interest.decided_at == NOW
        assert interest.decided_by is None  # the system declined it
    accepted.refresh_from_db()
    withdrawn.refresh_from_db()
    assert accepted.status == Interest.Status.ACCEPTED
    assert withdrawn.status == Interest.Status.WITHDRAWN

    message = OutboxMessage.objects.get(kind=OutboxMessage.Kind.INTEREST_DECLINED)
    assert message.recipient == linked.youth
    assert message.dedupe_key == f"interest_declined:{linked.pk}"
    assert message.subject == linked
    assert message.status == OutboxMessage.Status.PENDING
    # The youth who never linked Telegram cannot be messaged.
    assert not OutboxMessage.objects.filter(recipient=unlinked.youth).exists()

    declined = [e for e in published if e.type == "interest.declined"]
    assert {e.data["id"] for e in declined} == {linked.pk, unlinked.pk}
    assert declined[0].data["company_id"] == slot.company_id
    assert declined[0].data["municipality_id"] == municipality.pk
    assert "slot.closed" in [e.type for e in published]
    entry = AuditEntry.objects.get(action="slot.close")
    assert sorted(entry.data["declined_interest_ids"]) == sorted([linked.pk, unlinked.pk])


def test_slot_close_refused_changes_no_interest(slot, company_member):
    interest = f.InterestFactory(slot=slot)
    slot_close(slot=slot, actor=company_member.user, now=NOW)
    fresh = f.InterestFactory(slot=slot, youth=interest.youth)  # a row added after closing
    with pytest.raises(DomainError) as exc:
        slot_close(slot=slot, actor=company_member.user, now=NOW)
    assert exc.value.code == "invalid_state"
    fresh.refresh_from_db()
    assert fresh.status == Interest.Status.PENDING
    assert OutboxMessage.objects.count() == 1
