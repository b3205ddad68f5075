"""Database-level rules: the constraints hold even if a service is bypassed."""

import pytest
from django.db import IntegrityError, transaction

from domain.models import Interest, NetworkMembership, Sector, Slot
from tests import factories as f


def test_sectors_are_seeded_by_migration(db):
    assert Sector.objects.filter(code__in=["retail", "hospitality", "care", "it"]).count() == 4


@pytest.mark.parametrize(
    "fields",
    [
        {"hours_min": 20, "hours_max": 10},
        {"hours_min": 0, "hours_max": 10},
        {"hours_min": 10, "hours_max": 40},
        {"seats": 0},
        {"postcode": "40"},
    ],
)
def test_slot_constraints_refuse_bad_rows(company, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.SlotFactory(company=company, **fields)
    assert not Slot.objects.exists()


def test_one_live_interest_per_youth_and_slot(youth, slot):
    f.InterestFactory(youth=youth, slot=slot)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.InterestFactory(youth=youth, slot=slot)
    Interest.objects.update(status=Interest.Status.WITHDRAWN)
    f.InterestFactory(youth=youth, slot=slot)
    assert Interest.objects.count() == 2


def test_network_membership_counts_only_when_accepted(municipality, other_municipality):
    """The one home of "an accepted member of this municipality's network": a pending or a
    rejected request, or a membership of another municipality, puts no company in it."""
    member, pending, rejected, elsewhere = (f.CompanyFactory() for _ in range(4))
    f.MembershipFactory(company=member, municipality=municipality)
    f.MembershipFactory(company=member, municipality=other_municipality)
    for company, status in ((pending, "pending"), (rejected, "rejected")):
        f.MembershipFactory(company=company, municipality=municipality, status=status)
    f.MembershipFactory(company=elsewhere, municipality=other_municipality)
    memberships = NetworkMembership.objects

    assert {m.company for m in memberships.accepted().filter(municipality=municipality)} == {member}
    assert list(memberships.company_ids_in(municipality.pk)) == [{"company_id": member.pk}]
    assert {row["municipality_id"] for row in memberships.municipality_ids_of(member.pk)} == {
        municipality.pk,
        other_municipality.pk,
    }
    for company in (pending, rejected):
        assert not memberships.municipality_ids_of(company.pk).exists()
    # The same rule on a row already loaded.
    assert [m.is_accepted for m in memberships.filter(company=member)] == [True, True]
    assert not any(m.is_accepted for m in memberships.filter(company__in=[pending, rejected]))
