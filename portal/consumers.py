"""Websockets of the portal: a live view for consultants, companies and an event's board.

Each socket is authenticated by the portal session (AuthMiddlewareStack in config/asgi.py) and
joins only the groups of portal.realtime its user may see; anybody else is refused before the
handshake completes (close code 4403). Sockets only listen: the page reloads its own fragments
through the selectors when told that something changed.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model

from domain import policy
from domain.exceptions import DomainError
from domain.selectors.events import event_get_for_user
from portal import realtime, relay

# Events after which a socket asks again whether its user may still listen: a colleague
# removed from a company keeps their account (and session), but not the company's news.
RECHECK_ON = frozenset({"company.member_removed"})

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


class LiveConsumer(AsyncJsonWebsocketConsumer, ABC):
    """Joins the groups ``allowed_groups`` names for the session's user and forwards every
    ``live.event`` message to the browser as JSON: ``{"type": "interest.created", "id": …}``."""

    @abstractmethod
    def allowed_groups(self, user: object, **url_kwargs: object) -> list[str]:
        """The groups this user may hear on this socket (runs in a sync thread)."""

    def _groups_now(self) -> list[str]:
        """The user's groups as the database has them now (the user is read afresh: a role
        may have been taken away since the session began)."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return []
        fresh = get_user_model().objects.filter(pk=user.pk).first()
        if fresh is None:
            return []
        return self.allowed_groups(fresh, **self.scope["url_route"]["kwargs"])

    async def _allowed_now(self) -> list[str]:
        # The one place where a socket touches the database.
        return await database_sync_to_async(self._groups_now)()

    async def connect(self) -> None:
        # Without Redis, news from the bot's and the worker's processes comes by the database.
        relay.relay_listen()
        self.live_groups: list[str] = []
        self.granted = await self._allowed_now()
        if not self.granted:
            await self.close(code=DENIED)
            return
        groups = [*self.granted, realtime.user_group(self.scope["user"].pk)]
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.live_groups = groups
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "live_groups", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: object, **kwargs: object) -> None:
        """The browser has nothing to say on these sockets; whatever it sends is ignored."""

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
