"""Helpers for the websocket tests: a logged-in session's cookie and a socket opened with it."""

from __future__ import annotations

import asyncio

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.asgi import application

HOST = "localhost"


def logged_in_client(user) -> Client:
    """A test client with a fresh session of ``user`` (force_login: axes wants a request for a
    real login, and the login view is not what these tests are about)."""
    client = Client()
    client.force_login(user)
    return client


def cookie_of(client: Client) -> str:
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def session_cookie(user) -> str:
    """``sessionid=…`` for a fresh session of ``user``."""
    return cookie_of(logged_in_client(user))


async def open_socket(
    path: str, user=None, *, cookie: str | None = None
) -> tuple[WebsocketCommunicator, bool, int | None]:
    """Connect to ``path`` through the whole ASGI stack (origin check, session, router) as
    ``user`` (None: anonymous) or with a given session ``cookie``. Returns the communicator,
    whether it was accepted and the close code when it was not."""
    headers = [(b"host", HOST.encode()), (b"origin", f"http://{HOST}".encode())]
    if user is not None and cookie is None:
        cookie = await database_sync_to_async(session_cookie)(user)
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, None if connected else code


class Sockets:
    """Opens sockets for one test and closes every one of them at the end, refused or not, so
    no consumer outlives its test (``async with Sockets() as sockets:``)."""

    def __init__(self) -> None:
        self._opened: list[WebsocketCommunicator] = []

    async def __aenter__(self) -> Sockets:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # All at once: each disconnect may wait up to a second for its consumer to finish.
        await asyncio.gather(*(communicator.disconnect() for communicator in self._opened))

    async def open(
        self, path: str, user=None, *, cookie: str | None = None
    ) -> tuple[WebsocketCommunicator, bool, int | None]:
        communicator, connected, code = await open_socket(path, user, cookie=cookie)
        self._opened.append(communicator)
        return communicator, connected, code

    async def listen(self, path: str, user) -> WebsocketCommunicator:
        """A socket that must be accepted."""
        communicator, connected, code = await self.open(path, user)
        assert connected, f"{path} refused {user} with {code}"
        return communicator
