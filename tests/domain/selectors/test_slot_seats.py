"""Seats taken at a slot: one count for one slot, the same rule as an annotation for lists (the
company's dashboard, its statistics, the admin)."""

from django.db.models import Count

from domain.models import Placement, Slot
from domain.selectors.slots import slot_seats_taken, slot_seats_taken_count
from tests import factories as f

Status = Placement.Status


def test_approved_and_active_placements_take_the_seats_in_both_forms(municipality, company):
    slot, other = f.SlotFactory(company=company), f.SlotFactory(company=company)
    for status in Status:  # two seated (approved, active), the rest not
        f.PlacementFactory(
            slot=slot,
            youth=f.YouthFactory(municipality=municipality),
            status=status,
            reject_reason="Not now." if status == Status.REJECTED else "",
        )
    f.PlacementFactory(
        slot=other, youth=f.YouthFactory(municipality=municipality), status=Status.ACTIVE
    )
    f.InterestFactory(slot=slot, youth=f.YouthFactory(municipality=municipality))

    assert (slot_seats_taken(slot=slot), slot_seats_taken(slot=other)) == (2, 1)
    # Beside another to-many join (interests), the annotation still counts each seat once.
    counted = dict(
        Slot.objects.filter(pk__in=[slot.pk, other.pk])
        .annotate(seats_now=slot_seats_taken_count(), interests_n=Count("interests"))
        .values_list("pk", "seats_now")
    )
    assert counted == {slot.pk: 2, other.pk: 1}
