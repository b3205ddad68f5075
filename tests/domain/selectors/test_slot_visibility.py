"""Who sees which slots: youth only open slots of their own municipality's network."""

from datetime import timedelta

import pytest
from django.utils import timezone

from domain.exceptions import DomainError
from domain.models import NetworkMembership, Placement, Slot, Youth
from domain.selectors.slots import (
    slot_get_for_user,
    slot_get_for_youth,
    slot_seats_taken,
    slots_visible_to_user,
    slots_visible_to_youth,
)
from tests import factories as f

Status = Slot.Status


@pytest.fixture
def pending_company(municipality):
    """Asked to join the municipality's network; not accepted yet."""
    company = f.CompanyFactory(name="Venter ApS")
    f.MembershipFactory(
        company=company, municipality=municipality, status=NetworkMembership.Status.PENDING
    )
    return company


@pytest.fixture
def rejected_company(municipality):
    company = f.CompanyFactory(name="Afvist ApS")
    f.MembershipFactory(
        company=company, municipality=municipality, status=NetworkMembership.Status.REJECTED
    )
    return company


def test_youth_sees_only_open_slots_of_companies_accepted_in_their_municipality(
    youth, company, other_company, pending_company, rejected_company
):
    visible = f.SlotFactory(company=company, status=Status.OPEN)
    hidden = [
        f.SlotFactory(company=company, status=Status.DRAFT, published_at=None),
        f.SlotFactory(company=company, status=Status.PAUSED),
        f.SlotFactory(company=company, status=Status.CLOSED),
        f.SlotFactory(company=other_company, status=Status.OPEN),  # only in B's network
        f.SlotFactory(company=pending_company, status=Status.OPEN),
        f.SlotFactory(company=rejected_company, status=Status.OPEN),
        f.SlotFactory(status=Status.OPEN),  # a company in no network
    ]

    assert list(slots_visible_to_youth(youth=youth)) == [visible]
    for slot in hidden:
        with pytest.raises(DomainError) as exc:
            slot_get_for_youth(youth=youth, slot_id=slot.pk)
        assert exc.value.code == "not_found"
    assert slot_get_for_youth(youth=youth, slot_id=visible.pk) == visible


def test_youth_of_the_other_municipality_sees_the_other_network(
    other_youth, company, other_company
):
    f.SlotFactory(company=company)
    theirs = f.SlotFactory(company=other_company)
    assert list(slots_visible_to_youth(youth=other_youth)) == [theirs]


def test_company_in_two_networks_is_listed_once(youth, other_youth, company, other_municipality):
    f.MembershipFactory(company=company, municipality=other_municipality)
    slot = f.SlotFactory(company=company)
    assert list(slots_visible_to_youth(youth=youth)) == [slot]
    assert list(slots_visible_to_youth(youth=other_youth)) == [slot]


def test_slots_are_newest_first(youth, company):
    now = timezone.now()
    old = f.SlotFactory(company=company, published_at=now - timedelta(days=3))
    new = f.SlotFactory(company=company, published_at=now)
    middle = f.SlotFactory(company=company, published_at=now - timedelta(days=1))
    assert list(slots_visible_to_youth(youth=youth)) == [new, middle, old]


def test_youth_filters_by_sector_kind_and_hours(youth, company):
    retail = f.SlotFactory(company=company, hours_min=10, hours_max=20)
    care = f.SlotFactory(
        company=company,
        sector=f.sector("care"),
        kind=Slot.Kind.PAID_HOURS,
        hours_min=25,
        hours_max=37,
    )
    assert list(slots_visible_to_youth(youth=youth, sector_codes=["care"])) == [care]
    assert set(slots_visible_to_youth(youth=youth, sector_codes=["care", "retail"])) == {
        retail,
        care,
    }
    assert list(slots_visible_to_youth(youth=youth, kind=Slot.Kind.INTERNSHIP)) == [retail]
    assert list(slots_visible_to_youth(youth=youth, hours=20)) == [retail]
    assert list(slots_visible_to_youth(youth=youth, hours=25)) == [care]
    assert not slots_visible_to_youth(youth=youth, hours=22).exists()


@pytest.mark.parametrize("state", [{"status": Youth.Status.LEFT}, {"erased_at": timezone.now()}])
def test_youth_who_left_sees_no_slots(municipality, company, state):
    youth = f.YouthFactory(municipality=municipality, **state)
    f.SlotFactory(company=company)
    assert not slots_visible_to_youth(youth=youth).exists()


def test_slot_list_for_youth_takes_constant_queries(youth, company, django_assert_num_queries):
    def render():
        return [
            (s.title, s.company.name, s.sector.name) for s in slots_visible_to_youth(youth=youth)
        ]

    f.SlotFactory(company=company)
    with django_assert_num_queries(1):
        assert len(render()) == 1
    for _ in range(5):
        f.SlotFactory(company=f.MembershipFactory(municipality=youth.municipality).company)
    with django_assert_num_queries(1):
        assert len(render()) == 6


def test_slots_visible_to_users_by_role(
    company,
    other_company,
    pending_company,
    company_member,
    other_company_member,
    consultant,
    other_consultant,
    admin_user,
    youth,
):
    own = [f.SlotFactory(company=company, status=status) for status in Status]
    theirs = f.SlotFactory(company=other_company)
    pending = f.SlotFactory(company=pending_company, status=Status.DRAFT)

    # A company member: every status of the own company's slots, nothing else.
    assert set(slots_visible_to_user(user=company_member.user)) == set(own)
    assert set(slots_visible_to_user(user=other_company_member.user)) == {theirs}
    # A consultant: the slots of the companies accepted into their municipality's network.
    assert set(slots_visible_to_user(user=consultant.user)) == set(own)
    assert set(slots_visible_to_user(user=other_consultant.user)) == {theirs}
    assert set(slots_visible_to_user(user=admin_user)) == {*own, theirs, pending}
    # Neither a youth nor a user without a role nor the system are portal viewers.
    assert not slots_visible_to_user(user=youth).exists()
    assert not slots_visible_to_user(user=f.UserFactory()).exists()
    assert not slots_visible_to_user(user=None).exists()


def test_slot_get_for_user_is_not_found_outside_the_scope(
    company, other_company_member, other_consultant, consultant
):
    slot = f.SlotFactory(company=company, status=Status.DRAFT)
    for user in (other_company_member.user, other_consultant.user):
        with pytest.raises(DomainError) as exc:
            slot_get_for_user(user=user, slot_id=slot.pk)
        assert exc.value.code == "not_found"
    assert slot_get_for_user(user=consultant.user, slot_id=slot.pk) == slot
    with pytest.raises(DomainError) as exc:
        slot_get_for_user(user=consultant.user, slot_id=10**9)
    assert exc.value.code == "not_found"


def test_slot_seats_taken_counts_approved_and_active_placements(slot):
    for status in Placement.Status:
        f.PlacementFactory(slot=slot, status=status, reject_reason="Nej")
    assert slot_seats_taken(slot=slot) == 2
