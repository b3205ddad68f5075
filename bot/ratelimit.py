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
* **Pause**: a 429's ``retry_after`` stops this worker's sends until it has passed.
"""

from __future__ import annotations

import asyncio
import math
import time

from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

# Telegram's documented overall ceiling; the worker's default rate stays just under it.
TELEGRAM_RATE = 30
DEFAULT_RATE = 29
PER_CHAT_SECONDS = 2
# The pacing runs this much slower than the window, so that one worker alone never has to wait
# for the window (whose bookkeeping would cost it a Redis round trip per send).
PACING_SLACK = 1.003
# Chats whose turn has passed are forgotten once this many are remembered.
CHATS_REMEMBERED = 10_000


class SendLimiter:
    """Decides when the next message may go, for the whole bot and per chat."""

    def __init__(self, *, rate: float = DEFAULT_RATE, redis_url: str | None = None) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.rate = rate
        self._shared: MovingWindowRateLimiter | None = None
        if redis_url:
            storage = RedisStorage(
                f"async+{redis_url}", implementation="redispy", key_prefix="nw-send"
            )
            self._shared = MovingWindowRateLimiter(storage)
        # The window counts whole messages; a fractional rate rounds down (at least one).
        self._overall = RateLimitItemPerSecond(max(1, math.floor(rate)), 1)
        self._per_chat = RateLimitItemPerSecond(1, PER_CHAT_SECONDS)
        self._interval = PACING_SLACK / rate
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_free_at: dict[int, float] = {}

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

    async def acquire(self) -> None:
        """Wait until one more message may go to Telegram, and count it."""
        while True:
            now = time.monotonic()
            wait = max(self._next_slot, self._paused_until) - now
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            if self._shared is None or await self._shared.hit(self._overall, "overall"):
                # Slots follow a schedule, so a late wake-up is made up by the next send; after
                # an idle spell the schedule starts again from now instead of bursting.
                if self._next_slot < now - self._interval:
                    self._next_slot = now
                self._next_slot += self._interval
                return
            reset, _ = await self._shared.get_window_stats(self._overall, "overall")
            await asyncio.sleep(min(1.0, max(0.002, reset - time.time())))

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing goes for ``seconds``."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        self._next_slot = self._paused_until

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())
