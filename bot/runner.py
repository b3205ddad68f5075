"""Running the bot by long polling (``manage.py runbot``). The outbox is the worker's
(``manage.py deliver``, ``worker.loop``)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import sys

from django.db import connections
from telegram import Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import Application

from bot.app import set_commands

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0

# The bot process keeps its database connections between updates (a PostgreSQL connect costs
# ~12 ms, a query ~0.6 ms), renews each after this many seconds, and checks one before reusing it.
BOT_CONN_MAX_AGE = 600


def quiet_http_logs() -> None:
    """PTB's HTTP client logs every Bot API call at INFO (two or three per update): in the bot
    process only its warnings are worth the time."""
    logging.getLogger("httpx").setLevel(logging.WARNING)


def remember_missing_sniffio() -> None:
    """httpcore (PTB's HTTP client) tries ``import sniffio`` on every request to learn which
    async library runs it, and falls back to asyncio when it is missing. A failed import is not
    cached, so each Bot API call searched all of sys.path again: a fifth of the bot's CPU in the
    benchmark. Python's own marker for a module known to be absent (None in sys.modules) makes
    that import fail at once; nothing changes when sniffio is installed."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None


def keep_database_connections() -> None:
    """The connection policy of the bot process (``runbot``), which no ASGI server serves.

    Every thread that runs domain calls keeps its own connection. ``bot.bridge`` still calls
    ``close_old_connections()`` around each call: with this policy that closes a connection only
    when it is broken (after an error, or when the health check on reuse fails) or past its
    age, so a broken connection is replaced and a healthy one is kept. The web process keeps
    the settings' own policy (``CONN_MAX_AGE = 0`` on PostgreSQL).

    With a connection pool (PostgreSQL, see ``DATABASE_POOL_*``) the pool is the policy: a call
    borrows a connection and gives it back, the pool keeps it open and hands out only healthy
    ones, and Django refuses persistent connections beside a pool.
    """
    for alias in connections:
        if connections.settings[alias].get("OPTIONS", {}).get("pool"):
            continue
        # The same dict every connection of this alias (in any thread) reads its settings from.
        connections.settings[alias].update(
            {"CONN_MAX_AGE": BOT_CONN_MAX_AGE, "CONN_HEALTH_CHECKS": True}
        )
    # A connection opened before (e.g. by system checks) took its close time from the old policy.
    connections.close_all()


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def wait_for_api(application: Application, stop: asyncio.Event) -> bool:
    """Initialise the application (getMe), retrying until the Bot API answers or ``stop``."""
    while not stop.is_set():
        try:
            await application.initialize()
        except NetworkError as error:  # also TimedOut: the stand-in or Telegram is not up yet
            logger.info("Bot API not reachable yet (%s); retrying", error)
            await _pause(stop, RETRY_SECONDS)
        else:
            return True
    return False


async def run_polling(
    application: Application,
    stop: asyncio.Event,
    *,
    poll_timeout: int = 10,
) -> None:
    """Long polling until ``stop`` is set; then a clean shutdown."""
    if not await wait_for_api(application, stop):
        return
    try:
        await set_commands(application.bot)
    except TelegramError as error:  # a nicety; the bot works without the list
        logger.warning("could not set the command list: %s", error)
    try:
        await application.updater.start_polling(
            timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        logger.info("bot @%s is polling", application.bot.username)
        await stop.wait()
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
