"""What one web process takes on at once, and how it says no.

Under ASGI every HTTP request runs its Django code in a thread of its own, and each such thread
borrows a database connection from the process's pool (``DATABASE_POOL_*``). Nothing in Django
bounds those threads: a rush of 500 sign-ups meant 500 threads asking for connections. Two
walls keep a rush from turning into errors:

* ``InFlightLimit`` lets ``WEB_MAX_IN_FLIGHT`` requests into Django at once; the others wait
  in the event loop (a coroutine each, no thread, no connection) and one that waited
  ``WEB_QUEUE_TIMEOUT`` seconds is answered 503 with ``Retry-After``.
* A request that still finds no connection (the pool waited ``DATABASE_POOL_TIMEOUT``, or
  PostgreSQL refused one) is answered the same 503 by ``DatabaseBusyMiddleware`` (or by
  ``server_error`` where the failure happened outside the view), never a 500.

Both answers are built without the database: a busy database is why they are sent.
"""

from __future__ import annotations

import asyncio
import json
import sys
import weakref
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from domain.connections import is_database_busy
from portal.views import error_pages

_MESSAGE = {
    "da": "Der er travlt lige nu. Prøv igen om lidt.",
    "en": "The service is busy right now. Please try again in a moment.",
}


def _body(path: str) -> tuple[bytes, str]:
    if path.startswith("/api/"):
        detail = json.dumps({"detail": _MESSAGE["en"], "code": "busy"})
        return detail.encode(), "application/json"
    page = (
        '<!doctype html><html lang="da"><meta charset="utf-8"><title>503</title>'
        f'<p>{_MESSAGE["da"]}</p><p lang="en">{_MESSAGE["en"]}</p></html>'
    )
    return page.encode(), "text/html; charset=utf-8"


def busy_response(path: str) -> HttpResponse:
    body, content_type = _body(path)
    response = HttpResponse(body, status=503, content_type=content_type)
    response["Retry-After"] = str(settings.WEB_RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """A view that found no database connection answers 503 + Retry-After instead of 500."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return busy_response(request.path) if is_database_busy(exception) else None


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: the same 503 when the failure was a busy database (for example in a
    middleware, before any view ran), else the portal's error page."""
    if is_database_busy(sys.exc_info()[1]):
        return busy_response(request.path)
    return error_pages.server_error(request)


class InFlightLimit:
    """ASGI middleware: at most ``limit`` HTTP requests inside the app at once; the rest wait
    their turn in arrival order, each at most ``wait`` seconds, then get the 503.

    Websockets pass untouched: an open socket holds no thread between messages."""

    def __init__(self, app: Any, *, limit: int, wait: float) -> None:
        if limit < 1:
            raise ValueError("WEB_MAX_IN_FLIGHT must be at least 1")
        self.app = app
        self.limit = limit
        self.wait = wait
        # One semaphore per event loop: a semaphore belongs to the loop it was first used on
        # (tests start a server, and so a loop, per test).
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots[loop] = asyncio.Semaphore(self.limit)
        return slots

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        slots = self._semaphore()
        try:
            await asyncio.wait_for(slots.acquire(), self.wait)
        except TimeoutError:
            await _send_busy(scope, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()


async def _send_busy(scope: dict, send: Any) -> None:
    body, content_type = _body(scope.get("path", ""))
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(settings.WEB_RETRY_AFTER_SECONDS).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
