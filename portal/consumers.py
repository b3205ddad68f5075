"""Websockets of the portal: a live view for consultants, companies and an event's board.

Each socket is authenticated by the portal session (AuthMiddlewareStack in config/asgi.py) and
joins only the groups of portal.realtime its user may see; anybody else is refused before the
handshake completes (close code 4403). Sockets only listen: the page reloads its own fragments
through the selectors when told that something changed.

A socket lives no longer than its session: it closes (4401) when the session expires (a timer
set to the session's end), on logout, and when the user's password changes (the session's
auth hash no longer matches); it closes (4403) when a role it listens with is taken away. The
last two are rechecked whenever the user's account, consultant or company-member row changes
(portal/realtime.py), and every ``NEXTWORK_LIVE_RECHECK_SECONDS`` as a safety net.
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from domain import policy
from domain.exceptions import DomainError
from domain.selectors.events import event_get_for_user
from portal import realtime, relay
from portal.twofactor import session_passed_second_factor

# Events after which a socket asks again whether its user may still listen: a colleague
# removed from a company keeps their account (and session), but not the company's news.
RECHECK_ON = frozenset({"company.member_removed"})

# The channel layer's messages to a socket, and their handlers (none touches the database
# but through database_sync_to_async).
LIVE_HANDLERS = {
    realtime.MESSAGE_TYPE: "live_event",
    realtime.RECHECK_TYPE: "live_recheck",
    realtime.CLOSE_TYPE: "live_close",
}

# Application close codes (4000–4999) that read like HTTP's 403 and 401.
DENIED = 4403
LOGGED_OUT = 4401


def dashboard_groups(user: object) -> list[str]:
    """A consultant hears about their municipality; an admin about everything."""
    role = policy.role_of(user)
    if role == "admin":
        return [realtime.ADMINS]
    if role == "consultant":
        return [realtime.municipality_group(policy.consultant_municipality_id(user))]
    return []


def company_groups(user: object) -> list[str]:
    """A company member hears about their own company only."""
    company_id = policy.member_company_id(user)
    return [] if company_id is None else [realtime.company_group(company_id)]


def board_groups(user: object, *, event_id: int) -> list[str]:
    """An event's board: consultants of the event's municipality and admins. Company members
    may see a published event's page, but not the board."""
    if policy.role_of(user) not in ("admin", "consultant"):
        return []
    try:
        event = event_get_for_user(user=user, event_id=event_id)
    except DomainError:
        return []
    return [realtime.event_group(event.pk)]


@dataclass(frozen=True)
class Standing:
    """Whether a socket may go on listening, as the database has it now."""

    session_valid: bool
    groups: list[str]
    # When the session ends (None: not known, e.g. a cache-only session engine).
    session_ends: datetime | None = None


def _session_end(store, session_key: str) -> datetime | None:
    if isinstance(store, DatabaseSessionStore):  # db and cached_db: the row's expiry
        rows = store.get_model_class().objects.filter(session_key=session_key)
        return rows.values_list("expire_date", flat=True).first()
    return None


def session_is_valid(session, user) -> tuple[bool, datetime | None]:
    """The socket's session still exists, is unexpired, belongs to ``user`` and carries the
    auth hash of their current password (as Django's own per-request check)."""
    session_key = getattr(session, "session_key", None)
    if not session_key or user is None:
        return False, None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()  # {} when gone or expired
    if str(data.get(SESSION_KEY)) != str(user.pk):
        return False, None
    if not constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return False, None
    return True, _session_end(store, session_key)


class LiveConsumer(AsyncJsonWebsocketConsumer, ABC):
    """Joins the groups ``allowed_groups`` names for the session's user and forwards every
    ``live.event`` message to the browser as JSON: ``{"type": "interest.created", "id": …}``."""

    @abstractmethod
    def allowed_groups(self, user: object, **url_kwargs: object) -> list[str]:
        """The groups this user may hear on this socket (runs in a sync thread)."""

    def _standing_now(self) -> Standing:
        """The session and the user's groups as the database has them now (the user is read
        afresh: a role or the password may have changed since the session began)."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return Standing(session_valid=False, groups=[])
        fresh = get_user_model().objects.filter(pk=user.pk, is_active=True).first()
        if fresh is None:
            return Standing(session_valid=False, groups=[])
        session = self.scope.get("session")
        valid, ends = session_is_valid(session, fresh)
        # A staff session that has not passed the second factor sees no page, nor a socket.
        valid = valid and session_passed_second_factor(session, fresh)
        groups = self.allowed_groups(fresh, **self.scope["url_route"]["kwargs"])
        return Standing(session_valid=valid, groups=groups, session_ends=ends)

    async def _standing(self) -> Standing:
        # The one place where a socket touches the database.
        return await database_sync_to_async(self._standing_now)()

    async def _allowed_now(self) -> list[str]:
        return (await self._standing()).groups

    async def connect(self) -> None:
        # Without Redis, news from the bot's and the worker's processes comes by the database.
        relay.relay_listen()
        self.live_groups: list[str] = []
        self.watch: asyncio.Task | None = None
        standing = await self._standing()
        self.granted = standing.groups
        if not self.granted or not standing.session_valid:
            await self.close(code=DENIED)
            return
        groups = [*self.granted, realtime.user_group(self.scope["user"].pk)]
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.live_groups = groups
        await self.accept()
        self.watch = asyncio.get_running_loop().create_task(self._watch(standing.session_ends))

    async def disconnect(self, code: int) -> None:
        if getattr(self, "watch", None) is not None and self.watch is not asyncio.current_task():
            self.watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.watch
        for group in getattr(self, "live_groups", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _watch(self, session_ends: datetime | None) -> None:
        """Sleep until the session ends (or the next safety-net recheck), then recheck."""
        while True:
            wait = float(settings.NEXTWORK_LIVE_RECHECK_SECONDS)
            if session_ends is not None:
                # A moment past the end, so the session is certainly expired when read.
                left = (session_ends - timezone.now()).total_seconds() + 0.2
                wait = max(0.0, min(wait, left))
            await asyncio.sleep(wait)
            standing = await self._recheck()
            if standing is None:
                return
            session_ends = standing.session_ends

    async def _recheck(self) -> Standing | None:
        """Close the socket if its session or a role it listens with is gone; None then."""
        standing = await self._standing()
        if not standing.session_valid:
            await self.close(code=LOGGED_OUT)
            return None
        if not set(self.granted) <= set(standing.groups):
            await self.close(code=DENIED)
            return None
        return standing

    async def live_recheck(self, message: dict) -> None:
        """The user's account or one of their roles changed: may this socket go on?"""
        await self._recheck()

    async def receive_json(self, content: object, **kwargs: object) -> None:
        """The browser has nothing to say on these sockets; whatever it sends is ignored."""

    async def dispatch(self, message: dict) -> None:
        # Channels closes stale database connections before every message, in a thread of
        # its own. The news this socket forwards needs no database (what does, a recheck, goes
        # through database_sync_to_async, which closes them itself); with a thousand sockets
        # that hop for each of them was half the web process's work per change.
        handler = LIVE_HANDLERS.get(message["type"])
        if handler is None:
            await super().dispatch(message)
        else:
            await getattr(self, handler)(message)

    async def live_event(self, message: dict) -> None:
        event = message["event"]
        if event["type"] in RECHECK_ON and not set(self.granted) <= set(await self._allowed_now()):
            await self.close(code=DENIED)
            return
        await self.send_json(event)

    async def live_close(self, message: dict) -> None:
        """The user logged out: the session this socket was opened with is gone."""
        await self.close(code=LOGGED_OUT)


class DashboardConsumer(LiveConsumer):
    """``/ws/dashboard/``: the consultant's (or admin's) live dashboard."""

    def allowed_groups(self, user: object, **url_kwargs: object) -> list[str]:
        return dashboard_groups(user)


class CompanyConsumer(LiveConsumer):
    """``/ws/company/``: a company's inbox and dashboard."""

    def allowed_groups(self, user: object, **url_kwargs: object) -> list[str]:
        return company_groups(user)


class EventBoardConsumer(LiveConsumer):
    """``/ws/events/<id>/board/``: the big screen at a match event."""

    def allowed_groups(self, user: object, **url_kwargs: object) -> list[str]:
        return board_groups(user, event_id=url_kwargs["event_id"])
