"""Database-level rules: the constraints hold even if a service is bypassed."""

import pytest
from django.db import IntegrityError, transaction

from domain.models import Interest, Sector, Slot
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
