"""Real concurrency on PostgreSQL: seats are never overbooked, duplicates turn into conflicts."""

import threading
from datetime import date

import pytest

from domain.models import Interest, Placement
from domain.services import interests as interest_services
from domain.services.interests import interest_show
from domain.services.placements import placement_approve, placement_start
from tests import factories as f
from tests.helpers import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

THREADS = 20
SEATS = 3


def test_concurrent_approvals_never_exceed_the_slots_seats(municipality, company, consultant):
    slot = f.SlotFactory(company=company, seats=SEATS)
    placements = []
    for _ in range(THREADS):
        youth = f.YouthFactory(municipality=municipality)
        interest = f.AcceptedInterestFactory(youth=youth, slot=slot)
        placements.append(f.PlacementFactory(youth=youth, slot=slot, interest=interest))
    user = consultant.user

    results = run_together(
        [lambda p=p: placement_approve(placement=p, actor=user) for p in placements]
    )

    assert results.count("ok") == SEATS
    assert results.count("full") == THREADS - SEATS
    assert Placement.objects.filter(slot=slot, status=Placement.Status.APPROVED).count() == SEATS
    assert Placement.objects.filter(slot=slot, status=Placement.Status.PROPOSED).count() == (
        THREADS - SEATS
    )


def test_concurrent_interest_show_by_one_youth_leaves_one_live_interest(youth, slot):
    results = run_together([lambda: interest_show(youth=youth, slot=slot, actor=youth)] * 2)

    assert sorted(results) == ["conflict", "ok"]
    assert Interest.objects.filter(youth=youth, slot=slot).count() == 1


def test_concurrent_interest_show_losing_on_the_unique_constraint_is_a_conflict(
    youth, slot, monkeypatch
):
    """Both requests pass the pre-check before either inserts, so the loser meets the partial
    unique constraint itself and must still answer "conflict", not an IntegrityError."""
    both_checked = threading.Barrier(2)
    real_live_exists = interest_services._live_exists
    first_check = threading.local()

    def live_exists_then_wait(youth_id, slot_id):
        result = real_live_exists(youth_id, slot_id)
        if not getattr(first_check, "done", False):
            first_check.done = True
            both_checked.wait(timeout=30)
        return result

    monkeypatch.setattr(interest_services, "_live_exists", live_exists_then_wait)
    results = run_together([lambda: interest_show(youth=youth, slot=slot, actor=youth)] * 2)

    assert sorted(results) == ["conflict", "ok"]
    assert Interest.objects.filter(youth=youth, slot=slot).count() == 1


def test_concurrent_starts_leave_the_youth_with_one_active_placement(youth, company):
    placements = [
        f.PlacementFactory(
            youth=youth,
            slot=f.SlotFactory(company=company),
            status=Placement.Status.APPROVED,
            start_date=date(2026, 11, 22),
        )
        for _ in range(2)
    ]

    results = run_together([lambda p=p: placement_start(placement=p) for p in placements])

    assert sorted(results) == ["conflict", "ok"]
    assert Placement.objects.filter(youth=youth, status=Placement.Status.ACTIVE).count() == 1
