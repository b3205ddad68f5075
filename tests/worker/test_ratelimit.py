"""The worker's send limiter: an even pace that never puts more than the rate into one second,
one chat at a time (counted from the answer, so at arrival), a pause after 429, and for several
workers one schedule, one pause and one set of chat turns through Redis."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid

import pytest
from django.conf import settings

from worker import ratelimit
from worker.ratelimit import PER_CHAT_SECONDS, ChatTaken, SendLimiter

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
            await limiter.answered(await limiter.acquire())  # answered at once
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
        await limiter.answered(await limiter.acquire())  # answered at once
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
        await limiter.pause(0.5)
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


needs_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="the shared schedule needs REDIS_URL"
)


def shared(rate: float, count: int = 2, **options) -> list[SendLimiter]:
    """``count`` limiters sharing Redis as workers do; keys of this test only."""
    prefix = f"test-{uuid.uuid4().hex}"
    return [
        SendLimiter(rate=rate, redis_url=settings.REDIS_URL, key_prefix=prefix, **options)
        for _ in range(count)
    ]


async def closing(limiters: list[SendLimiter]) -> None:
    for limiter in limiters:
        await limiter.aclose()


@needs_redis
def test_workers_sharing_redis_share_one_even_schedule():
    async def run() -> list[float]:
        limiters = shared(rate=20, count=3)
        try:
            return await sends(limiters, 20)
        finally:
            await closing(limiters)

    moments = sorted(asyncio.run(run()))
    # Unshared, the three would make 60 a second and be done in a second. (This test reads its
    # clock two Redis round trips after the slot, late by as much as a loaded machine makes it,
    # hence the margin; the stand-in's count at arrival is tests/worker/test_worker_processes.)
    assert busiest_second(moments) <= 23, "three workers, one budget of 20 a second"
    assert moments[-1] - moments[0] >= 2.8, "60 sends at 20/s together: about three seconds"
    gaps = [b - a for a, b in itertools.pairwise(moments)]
    assert sorted(gaps)[len(gaps) // 2] >= 0.04, "evenly spaced, not in bursts"


@needs_redis
def test_a_429_pauses_every_worker_even_a_slot_already_reserved():
    async def run() -> tuple[float, float]:
        first, second = limiters = shared(rate=2)
        try:
            await first.acquire()
            # The second worker reserves the next slot (half a second on) and sleeps until it;
            # meanwhile the first one meets a 429.
            waiting = asyncio.ensure_future(second.acquire())
            await asyncio.sleep(0.1)
            await first.pause(1.0)
            paused_at = time.monotonic()
            await waiting
            return paused_at, time.monotonic()
        finally:
            await closing(limiters)

    paused_at, went_at = asyncio.run(run())
    assert went_at - paused_at >= 0.95


@needs_redis
@pytest.mark.chat_pacing
def test_a_chat_is_free_again_only_its_interval_after_the_answer_in_every_worker():
    async def run() -> tuple[float, float, float]:
        first, second = limiters = shared(rate=100, answer_timeout=1.0)
        try:
            send = await first.acquire(7)
            # Until it is answered the chat is held: another worker may not send to it.
            with pytest.raises(ChatTaken):
                await second.acquire(7)
            await asyncio.sleep(0.3)  # a slow answer: the message may have arrived just now
            await first.answered(send)
            after_answer = await second.chat_wait(7)
            timed_out = await first.acquire(8)
            await first.answered(timed_out, timed_out=True)
            return after_answer, await second.chat_wait(8), await second.chat_wait(9)
        finally:
            await closing(limiters)

    after_answer, after_timeout, other = asyncio.run(run())
    assert PER_CHAT_SECONDS - 0.1 < after_answer <= PER_CHAT_SECONDS
    assert 1.0 + PER_CHAT_SECONDS - 0.1 < after_timeout <= 1.0 + PER_CHAT_SECONDS
    assert other == 0.0


@needs_redis
def test_a_chat_claimed_by_one_worker_is_not_taken_by_another_before_its_send():
    """The turn is claimed when a worker picks the message, before it waits for a slot: the
    other workers put that chat aside instead of reserving a slot they could not use. A claim
    given back frees the chat at once; one whose worker died lapses after the hold."""

    async def run() -> tuple[float, float, float, float, float]:
        first, second, third = limiters = shared(rate=100, count=3, answer_timeout=0.2)
        try:
            assert await first.chat_wait(7) == 0.0
            while_claimed = await second.chat_wait(7)
            send = await first.acquire(7)  # its own claim does not stop it
            await first.answered(send)
            after_send = await second.chat_wait(7)
            await first.release(7)  # after a send: changes nothing
            still_held = await second.chat_wait(7)

            assert await second.chat_wait(8) == 0.0
            await second.release(8)  # nothing went: free for every worker at once
            given_back = await third.chat_wait(8)

            assert await third.chat_wait(9) == 0.0  # ... and then the third worker dies
            await asyncio.sleep(0.2 + PER_CHAT_SECONDS + 0.1)
            lapsed = await first.chat_wait(9)
            return while_claimed, after_send, still_held, given_back, lapsed
        finally:
            await closing(limiters)

    while_claimed, after_send, still_held, given_back, lapsed = asyncio.run(run())
    assert 0 < while_claimed <= PER_CHAT_SECONDS
    assert PER_CHAT_SECONDS - 0.1 < after_send <= PER_CHAT_SECONDS
    assert PER_CHAT_SECONDS - 0.2 < still_held <= PER_CHAT_SECONDS
    assert (given_back, lapsed) == (0.0, 0.0)


@needs_redis
def test_estimated_arrivals_of_one_worker_hold_back_the_others():
    async def run() -> list[float]:
        first, second = limiters = shared(rate=10)
        try:
            # The first worker's 11 sends were all answered at one moment (Telegram stalled):
            # the second worker sends nothing until those arrivals leave the second.
            stalled = [await first.acquire() for _ in range(11)]
            for send in stalled:
                send.started = time.monotonic() - 0.01  # a fast round trip for the estimate
                await first.answered(send)
            answered_at = time.monotonic()
            await second.acquire()
            return time.monotonic() - answered_at
        finally:
            await closing(limiters)

    assert asyncio.run(run()) >= 0.9


def test_answers_that_come_late_hold_back_the_next_sends():
    # Telegram stalled: five messages sent a tenth of a second apart were all answered (and so
    # arrived) at the same moment. The next sends wait until those arrivals leave the second.
    async def run() -> list:
        limiter = SendLimiter(rate=10)
        quick = [await limiter.acquire() for _ in range(3)]
        for send in quick:
            await limiter.answered(send)  # a fast round trip, for the estimate
        stalled = [await limiter.acquire() for _ in range(5)]
        for send in stalled:
            await limiter.answered(send)
        after = [await limiter.acquire() for _ in range(10)]
        return quick + stalled + after

    sends_ = asyncio.run(run())
    assert busiest_second([s.arrival for s in sends_]) <= 11, "the rate, and one for jitter"
    assert busiest_second([s.started for s in sends_]) <= 10


@needs_redis
def test_sends_on_the_wire_count_in_every_second_until_answered():
    # Telegram stalls: eleven messages (the rate, and one for jitter) are on the wire and none
    # is answered. They may all arrive at any moment, so no worker sends a twelfth.
    async def run() -> tuple[bool, float]:
        first, second = limiters = shared(rate=10, answer_timeout=5.0)
        try:
            on_the_wire = [await first.acquire() for _ in range(11)]
            waiting = asyncio.ensure_future(second.acquire())
            await asyncio.sleep(1.5)
            held_back = not waiting.done()
            await first.answered(on_the_wire[0])
            answered_at = time.monotonic()
            await asyncio.wait_for(waiting, 3)
            return held_back, time.monotonic() - answered_at
        finally:
            await closing(limiters)

    held_back, after_answer = asyncio.run(run())
    assert held_back, "nothing more goes while the rate is on the wire"
    assert after_answer < 1.5
