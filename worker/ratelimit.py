"""Telegram's flood limits for the delivery worker: the bot's overall rate, and one chat's.

Telegram allows a bot about 30 messages a second overall and asks for at most one a second to
one chat; more is answered with 429 and a pause for *every* send. The worker stays under both
instead of bumping into them, and any number of workers together are as exact as one:

* **One schedule**: the sends of all workers follow one evenly spaced schedule of slots
  (``floor(rate)`` a second), so they arrive as a steady stream rather than in bursts that
  network jitter could squeeze into one second. A worker *reserves* the next slot, sleeps until
  it and then *goes*; a wake-up that came late is not caught up in a burst.
* **Arrivals, not departures**: Telegram counts messages when they arrive. When its answers come
  late (it, or the network, stalled), the messages sent meanwhile arrived together, later than
  they left. Every send is kept in one ledger: while it is on the wire it may arrive at any
  moment, so it counts in every second until answered; then at its estimated arrival (answered
  − half the fastest round trip; for a request that timed out, as late as it may still
  arrive). No send goes while the ledger's second already holds one more than the rate, so
  however the network delays them, no second at Telegram holds more.
* **Pause**: a 429's ``retry_after`` stops the sends of every worker until it has passed,
  including a slot already reserved.
* **Per chat, at arrival**: a worker *claims* a chat's turn before it waits for a slot, so
  no other worker spends a slot on that chat meanwhile (a slot reserved for a chat another
  worker then sends to first would be lost to everyone). A chat's next message leaves only
  ``PER_CHAT_SECONDS`` after the previous one was *answered*. A message arrives before it is
  answered, so two messages to one chat arrive at least that far apart, whatever the
  network's delays. A message whose answer never came (a read timeout) holds its chat for one
  more answer timeout, and a claim or a message of a worker that died holds it for the
  answer timeout after it was taken or left.
* **Shared through Redis** (with ``REDIS_URL``): the schedule, the ledger, the pause and the
  chats' turns live in Redis, each step one atomic Lua script timed by Redis's own clock, so
  workers on several machines agree. Without Redis there is one worker (the embedded default)
  and the same rules run in its memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import time
import uuid
from collections import deque
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

# Telegram's documented overall ceiling; the worker's default rate stays just under it.
TELEGRAM_RATE = 30
DEFAULT_RATE = 29
# Read at every use (the tests shorten it): the promised gap between two messages to one chat.
PER_CHAT_SECONDS = 2
# How much of a late wake-up the schedule makes up, as a fraction of the interval.
CATCH_UP = 0.08
# How long sends are kept in the ledger, and how many round trips for the estimate.
ARRIVALS_KEPT = 5.0
ROUND_TRIPS_KEPT = 200
# Chats whose turn has passed are forgotten once this many are remembered.
CHATS_REMEMBERED = 10_000
# How long Redis keeps the schedule and the ledger after the last send.
SHARED_KEPT_MS = 60_000


class ChatTaken(Exception):
    """Another worker sent to this chat first: it is free again in ``wait`` seconds."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"chat busy for {wait:.2f} s")
        self.wait = wait


@dataclass
class Send:
    """One send: its entry in the ledger, its chat, when it left, when it is thought to have
    reached Telegram (both on this process's monotonic clock)."""

    key: str
    chat_id: int | None
    started: float
    arrival: float


@dataclass(frozen=True)
class Pace:
    """The numbers every step of the schedule uses."""

    interval: float  # seconds between slots
    capacity: int  # the most ledger entries in any one second, the next send included

    @classmethod
    def for_rate(cls, rate: float) -> Pace:
        whole = max(1, math.floor(rate))
        # Sends n and n+k are at least (k - CATCH_UP) intervals apart, so with this interval no
        # second ever holds more than floor(rate) departures. Estimated arrivals may reach one
        # more (Telegram refuses only beyond its own limit), so that ordinary jitter costs
        # nothing.
        return cls(interval=1.0 / (whole - CATCH_UP), capacity=whole + 1)


def _window_free_at(scores: list[float], capacity: int, at: float) -> float:
    """The earliest moment from ``at`` at which the second before holds fewer than
    ``capacity`` of ``scores`` (so that one more fits)."""
    recent = sorted(s for s in scores if s > at - 1.0)
    if len(recent) < capacity:
        return at
    return max(at, recent[len(recent) - capacity] + 1.0)


class LocalLedger:
    """The schedule, the ledger and the pause of one worker, in its memory (no Redis).

    The ledger has two parts: the sends on the wire (``_on_the_wire``: they may arrive at any
    moment, so they count in every second until answered) and the others by the moment they
    (are thought to) arrive: reserved slots, answered sends, and timed-out ones as late as
    they may still arrive."""

    def __init__(self, pace: Pace, answer_timeout: float) -> None:
        self.pace = pace
        self.answer_timeout = answer_timeout
        self._next = 0.0
        self._paused_until = 0.0
        self._entries: dict[str, float] = {}
        self._on_the_wire: dict[str, float] = {}  # entry -> when it left

    def _forget_old(self, now: float) -> None:
        self._entries = {k: s for k, s in self._entries.items() if s >= now - ARRIVALS_KEPT}
        # A send unanswered for two answer timeouts was lost with its worker.
        gone = now - 2 * self.answer_timeout
        self._on_the_wire = {k: s for k, s in self._on_the_wire.items() if s >= gone}

    async def reserve(self, key: str) -> float:
        now = time.monotonic()
        self._forget_old(now)
        slot = max(now, self._next, self._paused_until)
        # What is on the wire arrives now at the earliest.
        scores = [*self._entries.values(), *(now for _ in self._on_the_wire)]
        slot = _window_free_at(scores, self.pace.capacity, slot)
        self._next = slot + self.pace.interval
        self._entries[key] = slot
        return slot - now

    async def go(self, key: str, chat_id: int | None, hold: float, owner: str) -> tuple[str, float]:
        now = time.monotonic()
        slot = self._entries.pop(key, now)
        if self._paused_until > now:
            return "pause", self._paused_until - now
        arrived = sum(1 for s in self._entries.values() if now - 1.0 < s <= now)
        if arrived + len(self._on_the_wire) >= self.pace.capacity:
            return "full", self.pace.interval
        self._on_the_wire[key] = now
        self._keep_the_pace(slot, now)
        return "go", 0.0

    def _keep_the_pace(self, slot: float, now: float) -> None:
        # A slightly late wake-up (a timer's usual overshoot) is made up by the next slot;
        # anything later is lost rather than caught up in a burst.
        late = max(0.0, now - slot)
        interval = self.pace.interval
        self._next = max(self._next, now - min(late, CATCH_UP * interval) + interval)

    async def settle(self, key: str, ago: float, chat_id: int | None, free_in: float) -> None:
        if self._on_the_wire.pop(key, None) is not None:
            self._entries[key] = time.monotonic() - ago

    async def forget(self, key: str) -> None:
        self._entries.pop(key, None)
        self._on_the_wire.pop(key, None)

    async def pause(self, seconds: float) -> float:
        now = time.monotonic()
        self._paused_until = max(self._paused_until, now + seconds)
        return self._paused_until - now

    # One worker: the limiter's own memory of its chats is the whole truth.
    async def claim_chat(self, chat_id: int, owner: str, hold: float) -> tuple[float, bool]:
        return 0.0, False

    async def unclaim_chat(self, chat_id: int, owner: str) -> None:
        pass

    async def aclose(self) -> None:
        pass


# --- the same steps in Redis: each one atomic, timed by Redis's clock --------------------------

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local function fmt(x) return string.format('%.6f', x) end
local function num(v) return tonumber(v or '0') or 0 end
-- A chat's key: when it is free again, and the worker that claimed it (none once sent).
local function chat(key)
  local v = redis.call('GET', key)
  if not v then return 0, '' end
  local free, owner = string.match(v, '^(%S+) ?(%S*)$')
  return num(free), owner
end
"""

# KEYS: next slot, paused until, ledger, on the wire. ARGV: interval, capacity, entry, seconds
# kept, kept ms, seconds after which an unanswered send is forgotten.
_RESERVE = (
    _NOW
    + """
local interval, capacity = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', fmt(now - tonumber(ARGV[4])))
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', fmt(now - tonumber(ARGV[6])))
local slot = math.max(now, num(redis.call('GET', KEYS[1])), num(redis.call('GET', KEYS[2])))
local scores = {}
local recent = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. fmt(slot - 1), '+inf', 'WITHSCORES')
for i = 2, #recent, 2 do scores[#scores + 1] = tonumber(recent[i]) end
-- What is on the wire arrives now at the earliest.
for _ = 1, redis.call('ZCARD', KEYS[4]) do scores[#scores + 1] = now end
table.sort(scores)
local count = #scores
if count >= capacity then
  slot = math.max(slot, scores[count - capacity + 1] + 1)
end
redis.call('SET', KEYS[1], fmt(slot + interval), 'PX', ARGV[5])
redis.call('ZADD', KEYS[3], fmt(slot), ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
return fmt(slot - now)
"""
)

# KEYS: next slot, paused until, ledger, on the wire, chat. ARGV: entry, interval, capacity,
# chat hold, catch-up, "1" if there is a chat, kept ms, this worker's name.
_GO = (
    _NOW
    + """
local slot = tonumber(redis.call('ZSCORE', KEYS[3], ARGV[1]) or fmt(now))
redis.call('ZREM', KEYS[3], ARGV[1])
local paused = num(redis.call('GET', KEYS[2]))
if paused > now then
  return {'pause', fmt(paused - now)}
end
if ARGV[6] == '1' then
  local free, owner = chat(KEYS[5])
  if free > now and owner ~= ARGV[8] then
    return {'chat', fmt(free - now)}
  end
end
local interval, capacity = tonumber(ARGV[2]), tonumber(ARGV[3])
local arrived = redis.call('ZCOUNT', KEYS[3], '(' .. fmt(now - 1), fmt(now))
if arrived + redis.call('ZCARD', KEYS[4]) >= capacity then
  return {'full', fmt(interval)}
end
redis.call('ZADD', KEYS[4], fmt(now), ARGV[1])
redis.call('PEXPIRE', KEYS[4], ARGV[7])
local late = math.max(0, now - slot)
local floor = now - math.min(late, tonumber(ARGV[5]) * interval) + interval
if floor > num(redis.call('GET', KEYS[1])) then
  redis.call('SET', KEYS[1], fmt(floor), 'PX', ARGV[7])
end
if ARGV[6] == '1' then
  local hold = tonumber(ARGV[4])
  redis.call('SET', KEYS[5], fmt(now + hold), 'PX', math.ceil(hold * 1000) + 1000)
end
return {'go', '0'}
"""
)

# KEYS: ledger, on the wire, chat. ARGV: entry, seconds since its estimated arrival (negative:
# it may still arrive), seconds until the chat is free, "1" if there is a chat, kept ms.
_SETTLE = (
    _NOW
    + """
if redis.call('ZREM', KEYS[2], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[1], fmt(now - tonumber(ARGV[2])), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
if ARGV[4] == '1' then
  local free_in = tonumber(ARGV[3])
  redis.call('SET', KEYS[3], fmt(now + free_in), 'PX', math.ceil(free_in * 1000) + 1000)
end
return 1
"""
)

# KEYS: paused until. ARGV: seconds.
_PAUSE = (
    _NOW
    + """
local until_at = math.max(num(redis.call('GET', KEYS[1])), now + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], fmt(until_at), 'PX', math.ceil((until_at - now) * 1000) + 1000)
return fmt(until_at - now)
"""
)

# KEYS: chat. ARGV: this worker's name, how long the claim holds (s). Returns 0 when the
# chat is now this worker's, else the seconds until it is free and "1" if only claimed.
_CLAIM_CHAT = (
    _NOW
    + """
local free, owner = chat(KEYS[1])
if free > now and owner ~= ARGV[1] then
  return {fmt(free - now), owner ~= '' and '1' or '0'}
end
local hold = tonumber(ARGV[2])
redis.call('SET', KEYS[1], fmt(now + hold) .. ' ' .. ARGV[1], 'PX', math.ceil(hold * 1000) + 1000)
return {'0', '0'}
"""
)

# KEYS: chat. ARGV: this worker's name. A claim that sent nothing is given up.
_UNCLAIM_CHAT = """
local v = redis.call('GET', KEYS[1])
if v and string.match(v, ' (%S+)$') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""


class RedisLedger:
    """The schedule, the ledger, the pause and the chats' turns of all workers, in Redis."""

    def __init__(self, pace: Pace, answer_timeout: float, redis_url: str, key_prefix: str) -> None:
        self.pace = pace
        self.answer_timeout = answer_timeout
        self._redis = Redis.from_url(redis_url)
        self._prefix = key_prefix
        self._next = f"{key_prefix}:next"
        self._paused = f"{key_prefix}:paused"
        self._ledger = f"{key_prefix}:ledger"
        self._on_the_wire = f"{key_prefix}:wire"
        self._reserve = self._redis.register_script(_RESERVE)
        self._go = self._redis.register_script(_GO)
        self._settle = self._redis.register_script(_SETTLE)
        self._pause = self._redis.register_script(_PAUSE)
        self._claim_chat = self._redis.register_script(_CLAIM_CHAT)
        self._unclaim_chat = self._redis.register_script(_UNCLAIM_CHAT)

    def _chat(self, chat_id: int | None) -> str:
        return f"{self._prefix}:chat:{chat_id or 0}"

    async def reserve(self, key: str) -> float:
        pace = self.pace
        wait = await self._reserve(
            keys=[self._next, self._paused, self._ledger, self._on_the_wire],
            args=[
                pace.interval,
                pace.capacity,
                key,
                ARRIVALS_KEPT,
                SHARED_KEPT_MS,
                2 * self.answer_timeout,
            ],
        )
        return float(wait)

    async def go(self, key: str, chat_id: int | None, hold: float, owner: str) -> tuple[str, float]:
        pace = self.pace
        verdict, wait = await self._go(
            keys=[self._next, self._paused, self._ledger, self._on_the_wire, self._chat(chat_id)],
            args=[
                key,
                pace.interval,
                pace.capacity,
                hold,
                CATCH_UP,
                "1" if chat_id is not None else "0",
                SHARED_KEPT_MS,
                owner,
            ],
        )
        return verdict.decode(), float(wait)

    async def settle(self, key: str, ago: float, chat_id: int | None, free_in: float) -> None:
        await self._settle(
            keys=[self._ledger, self._on_the_wire, self._chat(chat_id)],
            args=[key, ago, free_in, "1" if chat_id is not None else "0", SHARED_KEPT_MS],
        )

    async def forget(self, key: str) -> None:
        await self._redis.zrem(self._ledger, key)
        await self._redis.zrem(self._on_the_wire, key)

    async def pause(self, seconds: float) -> float:
        return float(await self._pause(keys=[self._paused], args=[seconds]))

    async def claim_chat(self, chat_id: int, owner: str, hold: float) -> tuple[float, bool]:
        wait, claimed = await self._claim_chat(keys=[self._chat(chat_id)], args=[owner, hold])
        return float(wait), claimed == b"1"

    async def unclaim_chat(self, chat_id: int, owner: str) -> None:
        await self._unclaim_chat(keys=[self._chat(chat_id)], args=[owner])

    async def aclose(self) -> None:
        await self._redis.aclose()


class SendLimiter:
    """Decides when the next message may go, for the whole bot and per chat.

    ``chat_wait(chat)`` takes a chat's turn for this worker (or says how long until it is free);
    ``acquire(chat)`` waits for the next slot and returns the ``Send``, or raises ``ChatTaken``
    when another worker sent to that chat meanwhile; ``answered(send)`` once Telegram's answer
    (or error) is back, ``answered(send, timed_out=True)`` when it never came; ``release(chat)``
    after every send, and when a chat's turn was taken but nothing was sent."""

    def __init__(
        self,
        *,
        rate: float = DEFAULT_RATE,
        redis_url: str | None = None,
        key_prefix: str = "nw-send",
        answer_timeout: float = 5.0,
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.rate = rate
        self.pace = Pace.for_rate(rate)
        self.answer_timeout = answer_timeout
        self.ledger: LocalLedger | RedisLedger = (
            RedisLedger(self.pace, answer_timeout, redis_url, key_prefix)
            if redis_url
            else LocalLedger(self.pace, answer_timeout)
        )
        self._name = uuid.uuid4().hex[:12]
        self._keys = itertools.count(1)
        self._paused_until = 0.0
        # This worker's chats: when each is free again (infinity while a send is unanswered).
        self._chat_free_at: dict[int, float] = {}
        self._round_trips: deque[float] = deque(maxlen=ROUND_TRIPS_KEPT)

    # --- per chat ------------------------------------------------------------------------------

    async def chat_wait(self, chat_id: int) -> float:
        """Take the chat's turn now (0.0), or say how many seconds until it is free.

        The turn is claimed for every worker until this one sends (and then holds it until
        the answer and the interval after): a claim lapses if the worker dies first."""
        now = time.monotonic()
        free_at = self._chat_free_at.get(chat_id, 0.0)
        if free_at > now:
            return min(free_at - now, PER_CHAT_SECONDS)
        wait, only_claimed = await self.ledger.claim_chat(chat_id, self._name, self._chat_hold)
        if wait > 0:
            # A chat another worker has claimed but not sent to yet may be given back soon.
            return min(wait, PER_CHAT_SECONDS) if only_claimed else wait
        if len(self._chat_free_at) >= CHATS_REMEMBERED:
            self._chat_free_at = {c: t for c, t in self._chat_free_at.items() if t > now}
        self._chat_free_at[chat_id] = math.inf
        return 0.0

    async def release(self, chat_id: int) -> None:
        """The chat's turn was taken but nothing went: it is free at once (for every worker).
        After a send this changes nothing."""
        if self._chat_free_at.get(chat_id) == math.inf:
            del self._chat_free_at[chat_id]
            # Unreachable Redis: the claim lapses by itself after the hold.
            with contextlib.suppress(RedisError, OSError):
                await self.ledger.unclaim_chat(chat_id, self._name)

    # --- overall -------------------------------------------------------------------------------

    async def acquire(self, chat_id: int | None = None) -> Send:
        """Wait until one more message may go to Telegram (to ``chat_id``), and count it. Tell
        ``answered`` when Telegram's answer (or error) is back."""
        hold = self._chat_hold
        while True:
            key = f"{self._name}:{next(self._keys)}"
            try:
                wait = await self.ledger.reserve(key)
                if wait > 0:
                    await asyncio.sleep(wait)
                verdict, wait = await self.ledger.go(key, chat_id, hold, self._name)
            except BaseException:
                await asyncio.shield(self.ledger.forget(key))
                raise
            if verdict == "go":
                now = time.monotonic()
                return Send(key=key, chat_id=chat_id, started=now, arrival=now)
            if verdict == "chat":
                raise ChatTaken(wait)
            if verdict == "pause":
                self._paused_until = max(self._paused_until, time.monotonic() + wait)
            await asyncio.sleep(wait)

    async def answered(self, send: Send, *, timed_out: bool = False) -> None:
        """Telegram answered ``send`` (it arrived about half the fastest round trip before),
        or, ``timed_out``, the answer never came (it may still arrive)."""
        now = time.monotonic()
        if timed_out:
            # It may still arrive, as late as one more answer timeout from now: it holds a
            # place in every second until then, and its chat until the interval after.
            send.arrival = now + self.answer_timeout
            free_in = self.answer_timeout + PER_CHAT_SECONDS
        else:
            self._round_trips.append(now - send.started)
            send.arrival = max(send.started, now - min(self._round_trips) / 2)
            free_in = PER_CHAT_SECONDS
        if send.chat_id is not None:
            self._chat_free_at[send.chat_id] = now + free_in
        await self.ledger.settle(send.key, now - send.arrival, send.chat_id, free_in)

    async def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing goes for ``seconds``, from any worker."""
        left = await self.ledger.pause(seconds)
        self._paused_until = max(self._paused_until, time.monotonic() + left)

    async def aclose(self) -> None:
        await self.ledger.aclose()

    @property
    def _chat_hold(self) -> float:
        # The longest a chat may wait for its send's answer, and the interval after.
        return self.answer_timeout + PER_CHAT_SECONDS

    @property
    def paused_for(self) -> float:
        """How long this worker knows sending to be paused."""
        return max(0.0, self._paused_until - time.monotonic())
