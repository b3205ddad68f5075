"""No overbooking and a true arrival order under real concurrency (PostgreSQL row locks)."""

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from domain.models import OutboxMessage, YouthSignup
from domain.services.signups import waitlist_position, youth_signup, youth_signup_cancel
from tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = YouthSignup.Status


def run_together(func: Callable, items: Iterable) -> list:
    """Call ``func(item)`` for every item in its own thread, all released at the same moment."""
    items = list(items)
    barrier = threading.Barrier(len(items))

    def work(item):
        try:
            barrier.wait(timeout=30)
            return func(item)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        futures = [pool.submit(work, item) for item in items]
        return [future.result() for future in futures]


def signups_of(event) -> list[YouthSignup]:
    return list(YouthSignup.objects.filter(event=event).order_by("sequence"))


def assert_in_order(event) -> None:
    """Every seat holder arrived before everyone still waiting: nobody was skipped."""
    live = [s for s in signups_of(event) if s.status != S.CANCELLED]
    confirmed = [s.sequence for s in live if s.status == S.CONFIRMED]
    waiting = [s.sequence for s in live if s.status == S.WAITLISTED]
    if confirmed and waiting:
        assert max(confirmed) < min(waiting)


@pytest.fixture
def event(municipality):
    return f.EventFactory(municipality=municipality, youth_capacity=10)


def test_fifty_simultaneous_sign_ups_fill_ten_seats_and_queue_forty(event):
    youth = f.YouthFactory.create_batch(50, municipality=event.municipality)

    results = run_together(lambda y: youth_signup(event=event, youth=y, actor=y), youth)

    assert len(results) == 50
    rows = signups_of(event)
    assert len(rows) == 50
    assert {r.youth_id for r in rows} == {y.pk for y in youth}
    assert [r.sequence for r in rows] == list(range(1, 51))
    assert [r.status for r in rows] == [S.CONFIRMED] * 10 + [S.WAITLISTED] * 40
    # The arrival stamps agree with the order the lock decided.
    stamps = [r.created_at for r in rows]
    assert stamps == sorted(stamps)
    waitlisted = [r for r in rows if r.status == S.WAITLISTED]
    assert [waitlist_position(signup=r) for r in waitlisted] == list(range(1, 41))

    # Five confirmed youth cancel at the same moment: exactly the first five waitlisted move up.
    cancelling = rows[:5]
    run_together(lambda s: youth_signup_cancel(signup=s, actor=s.youth), cancelling)

    after = {r.pk: r for r in signups_of(event)}
    assert [after[s.pk].status for s in cancelling] == [S.CANCELLED] * 5
    assert sum(r.status == S.CONFIRMED for r in after.values()) == 10
    assert [after[r.pk].status for r in waitlisted[:5]] == [S.CONFIRMED] * 5
    assert all(after[r.pk].status == S.WAITLISTED for r in waitlisted[5:])
    promoted = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.WAITLIST_PROMOTED)
    assert sorted(promoted.values_list("recipient_id", flat=True)) == sorted(
        r.youth_id for r in waitlisted[:5]
    )
    assert [waitlist_position(signup=after[r.pk]) for r in waitlisted[5:]] == list(range(1, 36))
    assert_in_order(event)


def test_ten_simultaneous_cancellations_by_waitlisted_youth_promote_nobody(event):
    youth = f.YouthFactory.create_batch(25, municipality=event.municipality)
    rows = [youth_signup(event=event, youth=y, actor=y) for y in youth]
    waitlisted = [r for r in rows if r.status == S.WAITLISTED]
    assert len(waitlisted) == 15

    run_together(lambda s: youth_signup_cancel(signup=s, actor=s.youth), waitlisted[:10])

    after = {r.pk: r for r in signups_of(event)}
    assert sum(r.status == S.CONFIRMED for r in after.values()) == 10
    assert [after[r.pk].status for r in rows[:10]] == [S.CONFIRMED] * 10
    assert [after[r.pk].status for r in waitlisted[:10]] == [S.CANCELLED] * 10
    assert [after[r.pk].status for r in waitlisted[10:]] == [S.WAITLISTED] * 5
    assert not OutboxMessage.objects.filter(kind=OutboxMessage.Kind.WAITLIST_PROMOTED).exists()


def test_mixed_simultaneous_cancellations_never_overbook_and_keep_the_order(event):
    youth = f.YouthFactory.create_batch(30, municipality=event.municipality)
    rows = [youth_signup(event=event, youth=y, actor=y) for y in youth]
    confirmed, waitlisted = rows[:10], rows[10:]
    cancelling = confirmed[:5] + waitlisted[:5]

    run_together(lambda s: youth_signup_cancel(signup=s, actor=s.youth), cancelling)

    after = signups_of(event)
    assert sum(r.status == S.CONFIRMED for r in after) == 10
    assert sum(r.status == S.CANCELLED for r in after) == 10
    assert sum(r.status == S.WAITLISTED for r in after) == 10
    assert_in_order(event)
    promoted = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.WAITLIST_PROMOTED)
    assert promoted.count() == YouthSignup.objects.filter(promoted_at__isnull=False).count()
