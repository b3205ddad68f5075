"""The worker's send limiter: an even pace that never puts more than the rate into one second,
one chat at a time, a pause after 429, and one budget for several workers through Redis."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid

import pytest
from django.conf import settings

from worker import ratelimit
from worker.ratelimit import PER_CHAT_SECONDS, SendLimiter

pytestmark = pytest.mark.chat_pacing  # Telegram's real per-chat pause


def busiest_second(moments: list[float]) -> int:
    """The most moments in any one-second window."""
    moments = sorted(moments)
    best, start = 0, 0
    for end, moment in enumerate(moments):
        while moment - moments[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def sends(limiters: list[SendLimiter], count: int) -> list[float]:
    moments: list[float] = []

    async def one(limiter: SendLimiter) -> None:
        for _ in range(count):
            await limiter.acquire()
            moments.append(time.monotonic())

    await asyncio.gather(*(one(limiter) for limiter in limiters))
    return moments


class VirtualClock:
    """The limiter's clock and sleep, made exact: a sleep moves the clock on by what was asked
    plus a timer's overshoot, so the pace is the schedule's and not the machine's (a loaded
    machine's late wake-ups would otherwise decide the figures)."""

    def __init__(self, overshoot: list[float]) -> None:
        self.now = 1000.0
        self.overshoot = itertools.cycle(overshoot)

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + next(self.overshoot)
        await asyncio.sleep(0)


@pytest.fixture
def clock(monkeypatch) -> VirtualClock:
    # Wake-ups 0–3 ms late, as an ordinary timer's are.
    virtual = VirtualClock(overshoot=[0.0, 0.003, 0.001, 0.0025, 0.0005])
    monkeypatch.setattr(ratelimit, "time", virtual)
    monkeypatch.setattr(ratelimit, "asyncio", virtual)
    return virtual


async def paced(limiter: SendLimiter, count: int, clock: VirtualClock) -> list[float]:
    moments = []
    for _ in range(count):
        await limiter.acquire()
        moments.append(clock.now)
    return moments


def test_the_pace_is_even_and_no_second_holds_more_than_the_rate(clock):
    moments = asyncio.run(paced(SendLimiter(rate=50), 120, clock))
    assert busiest_second(moments) <= 50
    elapsed = max(moments) - min(moments)
    assert 119 / elapsed >= 0.95 * 50, "close to the rate, not far below it"
    gaps = [b - a for a, b in itertools.pairwise(moments)]
    assert min(gaps) >= 0.015, "never two at once: 1/50 s apart, give or take a timer"


def test_a_late_wake_up_is_not_made_up_in_a_burst(clock):
    """A wake-up far later than a timer's overshoot (the machine was busy) is lost, not caught
    up: the sends after it keep their spacing, so no second holds more than the rate."""
    limiter = SendLimiter(rate=50)

    async def run() -> list[float]:
        moments = await paced(limiter, 30, clock)
        clock.now += 0.5  # the event loop did not run for half a second
        return moments + await paced(limiter, 60, clock)

    moments = asyncio.run(run())
    assert busiest_second(moments) <= 50
    gaps = [b - a for a, b in itertools.pairwise(moments[30:])]
    assert min(gaps) >= 0.015


def test_a_pause_stops_everything_for_its_length():
    async def run() -> float:
        limiter = SendLimiter(rate=100)
        await limiter.acquire()
        limiter.pause(0.5)
        assert limiter.paused_for > 0.4
        started = time.monotonic()
        await limiter.acquire()
        return time.monotonic() - started

    assert asyncio.run(run()) >= 0.49


def test_one_chat_waits_its_turn_and_others_do_not():
    async def run() -> tuple[float, float, float]:
        limiter = SendLimiter(rate=100)
        return (
            await limiter.chat_wait(1),
            await limiter.chat_wait(1),
            await limiter.chat_wait(2),
        )

    first, again, other = asyncio.run(run())
    assert (first, other) == (0.0, 0.0)
    assert PER_CHAT_SECONDS - 0.1 < again <= PER_CHAT_SECONDS


def test_the_rate_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        SendLimiter(rate=0)


@pytest.mark.skipif(not settings.REDIS_URL, reason="the shared window needs REDIS_URL")
def test_workers_sharing_redis_share_one_budget():
    # Keys of this run only: nothing left over from another run counts.
    prefix = f"test-{uuid.uuid4().hex}"

    def limiter() -> SendLimiter:
        return SendLimiter(rate=20, redis_url=settings.REDIS_URL, key_prefix=prefix)

    async def run() -> tuple[list[float], tuple[float, float]]:
        first, second = limiter(), limiter()
        try:
            moments = await sends([first, second], 30)
            chats = (await first.chat_wait(7), await second.chat_wait(7))
        finally:
            await first.aclose()
            await second.aclose()
        return moments, chats

    moments, (first_turn, second_turn) = asyncio.run(run())
    # Unshared, the two would make 40 a second and be done in 1.5 s. (Redis counts a send when
    # it admits it; this test's clock reads it a Redis round trip later, hence the margin.)
    assert busiest_second(moments) <= 22, "two workers, one budget of 20 a second"
    assert max(moments) - min(moments) >= 2.0, "60 sends at 20/s together: over two seconds"
    assert first_turn == 0.0 and second_turn > 0, "a chat's turn is shared too"


def test_answers_that_come_late_hold_back_the_next_sends():
    # Telegram stalled: five messages sent a tenth of a second apart were all answered (and so
    # arrived) at the same moment. The next sends wait until those arrivals leave the second.
    async def run() -> list:
        limiter = SendLimiter(rate=10)
        quick = [await limiter.acquire() for _ in range(3)]
        for send in quick:
            limiter.answered(send)  # a fast round trip, for the estimate
        stalled = [await limiter.acquire() for _ in range(5)]
        for send in stalled:
            limiter.answered(send)
        after = [await limiter.acquire() for _ in range(10)]
        return quick + stalled + after

    sends_ = asyncio.run(run())
    assert busiest_second([s.arrival for s in sends_]) <= 11, "the rate, and one for jitter"
    assert busiest_second([s.started for s in sends_]) <= 10
