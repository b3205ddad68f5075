"""The data-scale benchmark's installations (bench/support/scale_data.py) hold only states the
domain allows, so what it measures is what a real installation would show."""

from django.db.models import Count, F, Q

from bench.support import scale_data
from domain.models import (
    Attendance,
    Interest,
    NetworkMembership,
    OutboxMessage,
    Placement,
    Slot,
    Youth,
)


def test_a_small_installation_is_consistent_with_the_domain(db, monkeypatch):
    monkeypatch.setitem(
        scale_data.SIZES, "S", scale_data.Size(municipalities=2, youth=20, companies=6)
    )
    counts = scale_data.build("S")

    assert counts["Youth"] == 40 and counts["Interest"] == 40 * scale_data.INTERESTS_PER_YOUTH
    # Interests carry their youth's municipality, on open-to-youth slots of companies in the
    # youth's own network.
    assert not Interest.objects.exclude(municipality=F("youth__municipality")).exists()
    assert not Interest.objects.filter(slot__status=Slot.Status.DRAFT).exists()
    for interest in Interest.objects.select_related("youth", "slot"):
        assert NetworkMembership.objects.filter(
            company_id=interest.slot.company_id,
            municipality_id=interest.youth.municipality_id,
            status=NetworkMembership.Status.ACCEPTED,
        ).exists()
    # Placements follow an accepted interest of the same youth and slot; seats hold.
    assert not Placement.objects.exclude(interest__status=Interest.Status.ACCEPTED).exists()
    assert not Placement.objects.exclude(youth=F("interest__youth")).exists()
    assert not Placement.objects.exclude(slot=F("interest__slot")).exists()
    seated = Slot.objects.annotate(
        n=Count("placements", filter=Q(placements__status__in=["approved", "active"]))
    )
    assert not seated.filter(n__gt=F("seats")).exists()
    # Attendance only by the group's members at its past meetings.
    assert not Attendance.objects.exclude(youth__group=F("meeting__group")).exists()
    assert not Attendance.objects.filter(meeting__starts_at__gt=F("recorded_at")).exists()
    # Every youth is linked and consenting; every message has a recipient who can receive.
    assert not Youth.objects.filter(Q(telegram_chat_id__isnull=True) | Q(consent_at=None)).exists()
    assert OutboxMessage.objects.count() == 40 * scale_data.OUTBOX_PER_YOUTH
