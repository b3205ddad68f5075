"""Telegram's flood limits for the delivery worker: the bot's overall rate, and one chat's.

Telegram allows a bot about 30 messages a second overall and asks for at most one a second to
one chat; more is answered with 429 and a pause for *every* send. The worker stays under both
instead of bumping into them:

* **Pacing**: one worker spaces its sends evenly at the configured rate, so they arrive as a
  steady stream rather than in bursts that network jitter could squeeze into one second.
* **Per chat**: one message per chat every ``PER_CHAT_SECONDS``. Two seconds, not one: two
  messages a second apart at the worker could arrive less than a second apart after different
  network delays.
* **Shared between workers** (with ``REDIS_URL``): the same two limits as moving windows in
  Redis, kept by the ``limits`` library (atomic Lua scripts), so that several worker processes
  share one budget: at most ``rate`` sends in any second by all of them together. Without Redis
  there is one worker (the embedded default) and its own bookkeeping is the whole truth.
* **Arrivals, not departures**: Telegram counts messages when they arrive. When its answers come
  late (it, or the network, stalled), the messages sent meanwhile arrived together, later than
  they left. Each send's arrival is estimated from its answer (answered − half the fastest round
  trip), and no send goes while the estimated arrivals of the last second already number one
  more than the rate.
* **Pause**: a 429's ``retry_after`` stops this worker's sends until it has passed.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from dataclasses import dataclass

from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import ConnectionPool

# Telegram's documented overall ceiling; the worker's default rate stays just under it.
TELEGRAM_RATE = 30
DEFAULT_RATE = 29
PER_CHAT_SECONDS = 2
# How much of a late wake-up the pacing makes up, as a fraction of the interval.
CATCH_UP = 0.08
# How long sends are remembered for their estimated arrival, and how many round trips.
ARRIVALS_KEPT = 5.0
ROUND_TRIPS_KEPT = 200
# Chats whose turn has passed are forgotten once this many are remembered.
CHATS_REMEMBERED = 10_000


@dataclass
class Send:
    """One send: when it left, and when it is thought to have reached Telegram."""

    started: float
    arrival: float


class SendLimiter:
    """Decides when the next message may go, for the whole bot and per chat."""

    def __init__(
        self,
        *,
        rate: float = DEFAULT_RATE,
        redis_url: str | None = None,
        key_prefix: str = "nw-send",
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.rate = rate
        self._shared: MovingWindowRateLimiter | None = None
        self._pool: ConnectionPool | None = None
        if redis_url:
            # Our own pool, so that ``aclose`` can close its connections.
            self._pool = ConnectionPool.from_url(redis_url)
            storage = RedisStorage(
                f"async+{redis_url}",
                implementation="redispy",
                key_prefix=key_prefix,
                connection_pool=self._pool,
            )
            self._shared = MovingWindowRateLimiter(storage)
        # The window counts whole messages; a fractional rate rounds down (at least one).
        self._overall = RateLimitItemPerSecond(max(1, math.floor(rate)), 1)
        self._per_chat = RateLimitItemPerSecond(1, PER_CHAT_SECONDS)
        # Sends n and n+k are at least (k - CATCH_UP) intervals apart, so with this interval no
        # second ever holds more than floor(rate) of them, and one worker alone never waits for
        # the shared window.
        self._interval = 1.0 / (max(1, math.floor(rate)) - CATCH_UP)
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_free_at: dict[int, float] = {}
        # Departures are paced to floor(rate) a second; estimated arrivals may reach one more
        # (Telegram refuses only beyond its own limit), so that ordinary jitter costs nothing.
        self._capacity = max(1, math.floor(rate)) + 1
        self._arrivals: deque[Send] = deque()  # this worker's sends of the last seconds
        self._round_trips: deque[float] = deque(maxlen=ROUND_TRIPS_KEPT)

    async def chat_wait(self, chat_id: int) -> float:
        """Take the chat's turn now (0.0), or say how many seconds until it is free."""
        now = time.monotonic()
        free_at = self._chat_free_at.get(chat_id, 0.0)
        if free_at > now:
            return free_at - now
        if self._shared is not None:
            key = str(chat_id)
            if not await self._shared.hit(self._per_chat, "chat", key):
                reset, _ = await self._shared.get_window_stats(self._per_chat, "chat", key)
                return max(0.05, reset - time.time())
        if len(self._chat_free_at) >= CHATS_REMEMBERED:
            self._chat_free_at = {c: t for c, t in self._chat_free_at.items() if t > now}
        self._chat_free_at[chat_id] = now + PER_CHAT_SECONDS
        return 0.0

    async def acquire(self) -> Send:
        """Wait until one more message may go to Telegram, and count it. Tell ``answered``
        when Telegram's answer (or error) is back."""
        while True:
            now = time.monotonic()
            wait = max(self._next_slot, self._paused_until, self._arrivals_free_at(now)) - now
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            if self._shared is None or await self._shared.hit(self._overall, "overall"):
                # Slots follow a schedule, so a slightly late wake-up (a timer's usual
                # overshoot) is made up by the next send. Anything later is lost rather than
                # caught up in a burst: no second holds more than floor(rate) sends, which
                # leaves Telegram's 30th for network jitter.
                late_by = min(now - self._next_slot, CATCH_UP * self._interval)
                self._next_slot = now - late_by + self._interval
                send = Send(started=now, arrival=now)
                self._arrivals.append(send)
                return send
            reset, _ = await self._shared.get_window_stats(self._overall, "overall")
            await asyncio.sleep(min(1.0, max(0.002, reset - time.time())))

    def answered(self, send: Send) -> None:
        """Telegram answered ``send``: it arrived about half the fastest round trip before."""
        now = time.monotonic()
        self._round_trips.append(now - send.started)
        send.arrival = max(send.started, now - min(self._round_trips) / 2)

    def _arrivals_free_at(self, now: float) -> float:
        """When the estimated arrivals of the second before leave room for one more."""
        while self._arrivals and self._arrivals[0].started < now - ARRIVALS_KEPT:
            self._arrivals.popleft()
        recent = sorted(s.arrival for s in self._arrivals if s.arrival > now - 1.0)
        if len(recent) < self._capacity:
            return 0.0
        # The oldest arrivals must leave the window until one place is free.
        return recent[len(recent) - self._capacity] + 1.0

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing goes for ``seconds``."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        self._next_slot = self._paused_until

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.disconnect()

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())
