"""The delivery worker (``manage.py deliver``): the outbox to Telegram, once each, on time, at
Telegram's speed limit; any number of copies may run.

One loop per worker:

* **claim**: due rows are leased in batches (``domain.services.delivery.outbox_claim_batch``)
  and rendered (``bot.delivery``) while the previous batch is still being sent, so the stream
  never stops for the database;
* **pace**: each message waits for its chat's turn and the bot's overall turn
  (``worker.ratelimit.SendLimiter``); a chat that is not free yet is put aside, not waited for;
* **send**: up to ``concurrency`` messages are on the wire at once; each is stamped
  ``send_started_at`` first, so a crash leaves a trace of what may have gone;
* **settle**: sent; 429 → pause everything (every worker) for ``retry_after`` and send it again;
  5xx, network errors and timeouts → retry later with exponential backoff, capped, up to
  ``max_attempts`` (a read timeout may have been delivered: one resend only, counted as a
  possible duplicate, and a row given up after one ends "delivery unknown", not failed);
  403 → failed for good, and the youth is marked unreachable for their consultant; 400 → failed
  (a bug in the message, never retried).

A heartbeat renews the leases of the worker's rows every fifth of the lease (5 s by default), so
the rows of a worker that died are another's seconds later; a worker that finds it stalled past
its lease sends nothing it may no longer hold.

SIGTERM sets ``stop``: no more claims, the messages on the wire are finished and recorded, and
the claimed rows not yet sent are given back for another worker to take at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

import httpx
from asgiref.sync import sync_to_async
from django.core.management.base import CommandError
from django.db import DatabaseError, close_old_connections, connection, connections
from django.utils import timezone
from telegram import Bot
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot import delivery
from bot.delivery import Outgoing
from domain.models import OutboxMessage
from domain.services.delivery import (
    BATCH_SIZE,
    MAX_ATTEMPTS,
    outbox_abandon,
    outbox_attempts,
    outbox_begin_send,
    outbox_claim_batch,
    outbox_mark_failed,
    outbox_mark_rate_limited,
    outbox_mark_recipient_unreachable,
    outbox_mark_retry,
    outbox_mark_sent_many,
    outbox_release,
    outbox_renew_claims,
    outbox_work_left,
)
from domain.services.housekeeping import housekeeping_run
from worker.ratelimit import DEFAULT_RATE, ChatTaken, Send, SendLimiter

logger = logging.getLogger(__name__)


RETRY_SECONDS = 1.0
# Messages put aside for their chat's turn within this many seconds count as ready ones when
# deciding to claim more; a worker holds at most this many batches.
CHAT_SOON = 0.5
HELD_BATCHES = 4
# Rows sent within this many seconds of each other are marked sent in one query.
RECORD_DELAY = 0.05


async def connect(bot: Bot, stop: asyncio.Event) -> bool:
    """getMe until the Bot API answers (the stand-in or Telegram may not be up yet), or until
    ``stop``; a refused token is an error at once."""
    while not stop.is_set():
        try:
            await bot.initialize()
        except InvalidToken as error:
            raise CommandError(f"Telegram refused the bot token: {error}") from error
        except NetworkError as error:
            logger.info("Bot API not reachable yet (%s); retrying", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RETRY_SECONDS)
        else:
            return True
    return False


def default_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class WorkerSettings:
    name: str = field(default_factory=default_name)
    rate: float = DEFAULT_RATE  # messages a second, for all workers together
    batch_size: int = BATCH_SIZE
    concurrency: int = 8  # messages on the wire at once
    # Seconds a claimed row stays this worker's after its last heartbeat, which renews every
    # fifth of it: a dead worker's rows are another's this long after it died.
    lease: float = 5.0
    poll: float = 1.0  # seconds between looks at an empty queue
    max_attempts: int = MAX_ATTEMPTS
    backoff_base: float = 2.0  # first retry after this many seconds, doubling each time
    backoff_cap: float = 300.0
    housekeeping_every: float = 3600.0  # 0: never (cron runs ``manage.py housekeeping``)
    redis_url: str | None = None  # the shared rate limit of several workers
    read_timeout: float = 5.0  # how long the bot waits for Telegram's answer

    def backoff(self, attempts: int) -> float:
        return min(self.backoff_cap, self.backoff_base * 2 ** max(0, attempts - 1))


@dataclass
class Stats:
    """What the worker did; ``since`` snapshots give the per-batch log line."""

    claimed: int = 0
    sent: int = 0
    retry: int = 0
    failed: int = 0
    limited: int = 0  # 429s
    unknown: int = 0  # timeouts that may have been delivered
    in_doubt: int = 0  # rows given up as "delivery unknown"
    dropped: int = 0  # claimed, then cancelled or taken over before sending

    def copy(self) -> Stats:
        return Stats(**{f.name: getattr(self, f.name) for f in fields(self)})

    def minus(self, other: Stats) -> Stats:
        names = [f.name for f in fields(self)]
        return Stats(**{n: getattr(self, n) - getattr(other, n) for n in names})


# Looking after a connection between steps (its age, a health check on reuse) costs a query;
# the worker does it at most this often per thread, and at once after a database error.
CONNECTION_CHECK_SECONDS = 10.0
_checked = threading.local()


async def db(fn: Callable[..., object], /, **kwargs: object) -> object:
    """A synchronous database step from the event loop (one thread, like the bot's calls)."""
    return await sync_to_async(_db_call)(fn, kwargs)


def _db_call(fn: Callable[..., object], kwargs: dict) -> object:
    now = time.monotonic()
    if now - getattr(_checked, "at", -CONNECTION_CHECK_SECONDS) >= CONNECTION_CHECK_SECONDS:
        close_old_connections()
        _checked.at = now
    try:
        return fn(**kwargs)
    except DatabaseError:
        close_old_connections()  # a broken connection is replaced before the next step
        _checked.at = -CONNECTION_CHECK_SECONDS
        raise


def _close_connections() -> None:
    connections.close_all()
    _checked.at = -CONNECTION_CHECK_SECONDS


def _connect_failed(error: TimedOut) -> bool:
    """A connect or pool timeout: the request never reached Telegram (safe to retry)."""
    cause = error.__cause__
    return isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout)


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Worker:
    def __init__(
        self,
        bot: Bot,
        settings: WorkerSettings | None = None,
        *,
        limiter: SendLimiter | None = None,
        clock: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.bot = bot
        self.settings = settings or WorkerSettings()
        self.limiter = limiter or SendLimiter(
            rate=self.settings.rate,
            redis_url=self.settings.redis_url,
            answer_timeout=self.settings.read_timeout,
        )
        self.clock = clock
        self.stats = Stats()
        self._lease = timedelta(seconds=self.settings.lease)
        self._ready: deque[Outgoing] = deque()
        self._later: list[tuple[float, int, Outgoing]] = []  # (monotonic time, order, message)
        self._order = itertools.count()
        self._sending: set[asyncio.Task] = set()
        self._slots = asyncio.Semaphore(self.settings.concurrency)
        self._turn_lock = asyncio.Lock()
        self._aside = ThreadPoolExecutor(1, thread_name_prefix="deliver-aside")
        self._unrecorded: list[tuple[int, int, datetime, asyncio.Future]] = []
        self._flush_timer: asyncio.TimerHandle | None = None
        self._claim: asyncio.Task | None = None
        self._claim_not_before = 0.0  # after a short batch, the next claim waits ``poll``
        self._logged = self.stats.copy()
        self._batch_started = time.monotonic()
        self._heart: asyncio.Task | None = None
        # The rows this worker holds and means to send (claimed, put aside, on the wire): the
        # heartbeat renews these only, so a row lost to an error comes back after the lease.
        self._held: set[int] = set()
        self._aside_ids: set[int] = set()
        self._renewed_at = -math.inf  # when the last heartbeat started (monotonic)

    # --- the loop -----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event, *, until_idle: bool = False) -> Stats:
        """Deliver until ``stop`` is set (or, with ``until_idle``, until nothing is due)."""
        housekeeping = None
        self._heart = asyncio.create_task(self._heartbeat())
        if self.settings.housekeeping_every > 0 and not until_idle:
            housekeeping = asyncio.create_task(self._housekeeping(stop))
        try:
            await self._loop(stop, until_idle)
        finally:
            if housekeeping is not None:
                housekeeping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await housekeeping
            await self._shutdown()
        return self.stats

    async def _loop(self, stop: asyncio.Event, until_idle: bool) -> None:
        while not stop.is_set():
            if self._needs_claim():
                self._claim = asyncio.create_task(self._claim_batch())
            message = self._next_ready()
            if message is None:
                if await self._idle(stop, until_idle):
                    return
                continue
            wait = await self.limiter.chat_wait(message.chat_id)
            if wait > 0:
                self._put_aside(message, wait)
                continue
            await self._slots.acquire()
            if stop.is_set():  # stopped while all slots were busy: give it back below
                self._slots.release()
                await self.limiter.release(message.chat_id)
                self._ready.appendleft(message)
                return
            task = asyncio.create_task(self._send(message, stop))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _db_aside(self, fn: Callable[..., object], /, **kwargs: object) -> object:
        """A longer database step (claiming and rendering a batch, housekeeping) on this
        worker's second thread on PostgreSQL, so that the per-message steps don't queue behind
        it. SQLite takes one writer at a time anyway: there it shares the one thread."""
        if connection.vendor != "postgresql":
            return await db(fn, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._aside, _db_call, fn, kwargs)

    def _needs_claim(self) -> bool:
        if self._claim is not None and not self._claim.done():
            return False
        if time.monotonic() < self._claim_not_before:
            return False
        # Claim the next batch while half of this one is still to go. Messages put aside for
        # their chat's turn count only once it is near: waiting for them must not starve the
        # stream (but a worker never holds more than a few batches).
        if len(self._ready) + len(self._later) >= HELD_BATCHES * self.settings.batch_size:
            return False
        soon = time.monotonic() + CHAT_SOON
        near = sum(1 for at, *_ in self._later if at <= soon)
        return len(self._ready) + near <= self.settings.batch_size // 2

    async def _claim_batch(self) -> None:
        try:
            claimed, batch = await self._db_aside(
                claim_batch,
                worker=self.settings.name,
                now=self.clock(),
                limit=self.settings.batch_size,
                lease=self._lease,
            )
        except Exception:
            # A database hiccup must not stop the worker; the next claim tries again.
            logger.exception("deliver claim failed worker=%s", self.settings.name)
            claimed, batch = 0, []
        if claimed < self.settings.batch_size:  # the queue is drained for now
            self._claim_not_before = time.monotonic() + self.settings.poll
        if batch:
            self._log_batch()
            self.stats.claimed += len(batch)
            self._held.update(m.message_id for m in batch)
            self._ready.extend(batch)

    def _next_ready(self) -> Outgoing | None:
        now = time.monotonic()
        if self._later and self._later[0][0] <= now:
            message = heapq.heappop(self._later)[2]
            self._aside_ids.discard(message.message_id)
            return message
        return self._ready.popleft() if self._ready else None

    def _put_aside(self, message: Outgoing, seconds: float) -> None:
        self._aside_ids.add(message.message_id)
        heapq.heappush(self._later, (time.monotonic() + seconds, next(self._order), message))

    async def _idle(self, stop: asyncio.Event, until_idle: bool) -> bool:
        """Nothing to send right now: wait a little. True when the run is over."""
        if self._claim is not None and not self._claim.done():
            await asyncio.wait({self._claim}, timeout=self.settings.poll)
            return False
        if self._later:
            pause = min(self.settings.poll, max(0.0, self._later[0][0] - time.monotonic()))
        else:
            if self._sending:
                await asyncio.wait(self._sending, return_when=asyncio.FIRST_COMPLETED)
                return False
            if self.stats.claimed != self._logged.claimed:
                self._log_batch()
            if until_idle and not await db(outbox_work_left, now=self.clock()):
                return True
            pause = self.settings.poll
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)
        return False

    async def _shutdown(self) -> None:
        """Finish what is on the wire; give back what was claimed and not sent."""
        if self._claim is not None:
            with contextlib.suppress(Exception):
                await self._claim
        if self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)
        # Nothing is on the wire any more: the heartbeat may stop.
        if self._heart is not None:
            self._heart.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heart
        unsent = [m.message_id for m in self._ready] + [m.message_id for *_, m in self._later]
        if unsent:
            released = await db(
                outbox_release, message_ids=unsent, worker=self.settings.name, now=self.clock()
            )
            logger.info("deliver stopping worker=%s released=%s", self.settings.name, released)
        self._ready.clear()
        self._later.clear()
        self._log_batch()
        await self.limiter.aclose()
        # The worker's threads keep their connections between steps: close them on the way out.
        await db(_close_connections)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._aside, _close_connections)
        self._aside.shutdown(wait=True)

    # --- one message --------------------------------------------------------------------------

    async def _send(self, message: Outgoing, stop: asyncio.Event) -> None:
        try:
            await self._attempt(message, stop)
        except Exception:
            # A database error while recording: the lease brings the row back.
            logger.exception("deliver outbox=%s not recorded", message.message_id)
        finally:
            await self.limiter.release(message.chat_id)  # nothing went, if it is still taken
            if message.message_id not in self._aside_ids:
                self._held.discard(message.message_id)  # settled, dropped or lost
            self._slots.release()

    async def _attempt(self, message: Outgoing, stop: asyncio.Event) -> None:
        name, mid = self.settings.name, message.message_id
        stamped = time.monotonic()
        if not await db(
            outbox_begin_send, message_id=mid, worker=name, now=self.clock(), lease=self._lease
        ):
            self.stats.dropped += 1
            return
        # The pace is kept here, after the database, right before the request: what Telegram
        # counts is arrivals, and a slow database call must not bunch them up.
        try:
            turn = await self._turn(stop, message.chat_id)
        except ChatTaken as taken:  # another worker sent to this chat meanwhile
            await self.limiter.release(message.chat_id)
            await db(
                outbox_abandon,
                message_id=mid,
                worker=name,
                now=self.clock(),
                keep=True,
                lease=self._lease,
            )
            self._put_aside(message, taken.wait)
            return
        if turn is None:
            await self.limiter.release(message.chat_id)
            await db(outbox_abandon, message_id=mid, worker=name, now=self.clock())
            return
        if not self._still_ours(stamped):
            # This worker stalled longer than its lease (the event loop did not run): the row
            # may be another worker's by now, and sending it could send it twice.
            await self.limiter.answered(turn)
            await db(outbox_abandon, message_id=mid, worker=name, now=self.clock())
            self.stats.dropped += 1
            logger.warning("deliver outbox=%s not sent: the lease may have lapsed", mid)
            return
        try:
            try:
                sent = await self.bot.send_message(
                    message.chat_id, message.text, reply_markup=message.keyboard
                )
            except TimedOut as error:
                await self.limiter.answered(turn, timed_out=not _connect_failed(error))
                raise
            except BaseException:
                await self.limiter.answered(turn)
                raise
            await self.limiter.answered(turn)
        except RetryAfter as error:
            seconds = _seconds(error.retry_after)
            self.stats.limited += 1
            await self.limiter.pause(seconds)
            logger.warning("deliver 429 outbox=%s retry_after=%s", mid, seconds)
            await db(
                outbox_mark_rate_limited,
                message_id=mid,
                retry_after=seconds,
                now=self.clock(),
                lease=self._lease,
            )
            self._put_aside(message, seconds)
        except Forbidden as error:
            # Blocked by the youth, or the account is gone: no retry can help.
            self.stats.failed += 1
            await db(outbox_mark_failed, message_id=mid, error=f"forbidden: {error.message}")
            await db(outbox_mark_recipient_unreachable, message_id=mid, reason=error.message)
        except BadRequest as error:
            # Our message is wrong (a bug): record it for the developers, never retry.
            self.stats.failed += 1
            logger.error("deliver 400 outbox=%s: %s", mid, error.message)
            await db(outbox_mark_failed, message_id=mid, error=f"bad request: {error.message}")
        except TimedOut as error:
            unknown = not _connect_failed(error)
            self.stats.unknown += unknown
            await self._retry(message, "timed out", outcome_unknown=unknown)
        except NetworkError as error:  # 5xx answers and connection failures
            await self._retry(message, f"server error: {error.message}")
        except TelegramError as error:  # e.g. an invalid token: retrying later may help
            logger.error("deliver outbox=%s: %s", mid, error)
            await self._retry(message, f"error: {error.message}")
        else:
            self.stats.sent += 1
            await self._record_sent(mid, sent.message_id)

    def _still_ours(self, stamped: float) -> bool:
        """Is the row stamped at ``stamped`` surely still this worker's? The stamp and every
        heartbeat hold its rows for a lease from when they started."""
        margin = min(1.0, self.settings.lease / 5)
        return time.monotonic() < max(stamped, self._renewed_at) + self.settings.lease - margin

    async def _heartbeat(self) -> None:
        """Renew the leases of every row this worker holds, every fifth of the lease, until
        nothing is on the wire any more (cancelled by ``_shutdown``)."""
        while True:
            started = time.monotonic()
            try:
                await self._db_aside(
                    outbox_renew_claims,
                    worker=self.settings.name,
                    message_ids=list(self._held),
                    now=self.clock(),
                    lease=self._lease,
                )
            except Exception:
                logger.exception("deliver heartbeat failed worker=%s", self.settings.name)
            else:
                self._renewed_at = started
            await asyncio.sleep(self.settings.lease / 5)

    async def _record_sent(self, message_id: int, telegram_message_id: int) -> None:
        """Mark the row sent, together with the others sent in the same few milliseconds (one
        query for several). Returns once it is recorded; until then the message holds its slot,
        so no more than ``concurrency`` rows are ever stamped and unconfirmed."""
        done = asyncio.get_running_loop().create_future()
        self._unrecorded.append((message_id, telegram_message_id, self.clock(), done))
        if len(self._unrecorded) >= self.settings.concurrency:
            self._flush_sent()
        elif self._flush_timer is None:
            self._flush_timer = asyncio.get_running_loop().call_later(
                RECORD_DELAY, self._flush_sent
            )
        await done

    def _flush_sent(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        rows, self._unrecorded = self._unrecorded, []
        if rows:
            task = asyncio.ensure_future(self._write_sent(rows))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _write_sent(self, rows: list) -> None:
        try:
            await db(outbox_mark_sent_many, sent=[(m, t, at) for m, t, at, _ in rows])
        except Exception as error:
            for *_, done in rows:
                done.set_exception(error)
        else:
            for *_, done in rows:
                done.set_result(None)

    async def _turn(self, stop: asyncio.Event, chat_id: int) -> Send | None:
        """Wait for the next send slot (one waiter at a time); None if stopped first. Raises
        ``ChatTaken`` when another worker sent to the chat meanwhile."""
        async with self._turn_lock:
            if stop.is_set():
                return None
            turn = asyncio.ensure_future(self.limiter.acquire(chat_id))
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait({turn, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if turn.done():
                return turn.result()
            turn.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await turn
            return None

    async def _retry(self, message: Outgoing, error: str, *, outcome_unknown: bool = False) -> None:
        attempts = await db(outbox_attempts, message_id=message.message_id)
        retry_at = self.clock() + timedelta(seconds=self.settings.backoff(attempts or 1))
        status = await db(
            outbox_mark_retry,
            message_id=message.message_id,
            error=error,
            retry_at=retry_at,
            outcome_unknown=outcome_unknown,
            max_attempts=self.settings.max_attempts,
            now=self.clock(),
        )
        if status == OutboxMessage.Status.FAILED:
            self.stats.failed += 1
        elif status == OutboxMessage.Status.UNKNOWN:
            self.stats.in_doubt += 1
        else:
            self.stats.retry += 1

    # --- around the loop ------------------------------------------------------------------------

    def _log_batch(self) -> None:
        now = time.monotonic()
        done = self.stats.minus(self._logged)
        if any(getattr(done, f.name) for f in fields(done)):
            logger.info(
                "deliver batch worker=%s claimed=%d sent=%d retry=%d failed=%d limited=%d "
                "unknown=%d in_doubt=%d dropped=%d waiting=%d sending=%d ms=%d",
                self.settings.name,
                done.claimed,
                done.sent,
                done.retry,
                done.failed,
                done.limited,
                done.unknown,
                done.in_doubt,
                done.dropped,
                len(self._ready) + len(self._later),
                len(self._sending),
                (now - self._batch_started) * 1000,
            )
        self._logged = self.stats.copy()
        self._batch_started = now

    async def _housekeeping(self, stop: asyncio.Event) -> None:
        """The periodic domain jobs (meetings ahead, placements started and ended, check-in
        prompts ahead, erasure after retention): idempotent, so any worker may run them."""
        while not stop.is_set():
            try:
                done = await self._db_aside(housekeeping_once, now=self.clock())
                if done is None:
                    logger.info(
                        "housekeeping worker=%s: another worker runs it", self.settings.name
                    )
                else:
                    logger.info("housekeeping worker=%s %s", self.settings.name, done)
            except Exception:
                logger.exception("housekeeping failed worker=%s", self.settings.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.housekeeping_every)


# pg_advisory_lock key of the housekeeping run ("NWHK").
HOUSEKEEPING_LOCK = 0x4E57484B


def housekeeping_once(*, now: datetime) -> dict | None:
    """Run the housekeeping jobs unless another worker is running them right now (None then):
    they are idempotent, but two at once would race to create the same meetings."""
    if connection.vendor != "postgresql":
        return housekeeping_run(now=now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [HOUSEKEEPING_LOCK])
        if not cursor.fetchone()[0]:
            return None
    try:
        return housekeeping_run(now=now)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [HOUSEKEEPING_LOCK])


def claim_batch(
    *, worker: str, now: datetime, limit: int, lease: timedelta
) -> tuple[int, list[Outgoing]]:
    """Claim due rows (the outbox's step) and render those to send (the bot's texts) in one
    database step; returns how many were claimed, and the messages to send, oldest first.
    Rendering reads only what the claim loaded."""
    claimed, rows = outbox_claim_batch(worker=worker, now=now, limit=limit, lease=lease)
    return claimed, [delivery.outgoing(row) for row in rows]
