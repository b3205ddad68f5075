"""The error pages (400, 403, 404, 500): Django's own views and templates, and afterwards the
database connection the page opened is closed.

Under ASGI, Django renders an error page outside the request's thread and context
(``response_for_exception`` runs with ``thread_sensitive=False``). Our pages show the menu, so
they read the session and the user, and the connection they open there is one nothing else
closes: it would linger until the garbage collector finds it. Closing it here gives it back
at once. A connection that was open before the page (the request's own, or a test's
transaction) is left alone."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.views import defaults


def _closes_what_it_opens(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def render(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        open_before = {
            conn.alias
            for conn in connections.all(initialized_only=True)
            if conn.connection is not None
        }
        try:
            return view(request, *args, **kwargs)
        finally:
            for conn in connections.all(initialized_only=True):
                opened_here = conn.alias not in open_before and conn.connection is not None
                if opened_here and not conn.in_atomic_block:
                    conn.close()

    return render


bad_request = _closes_what_it_opens(defaults.bad_request)
permission_denied = _closes_what_it_opens(defaults.permission_denied)
page_not_found = _closes_what_it_opens(defaults.page_not_found)
server_error = _closes_what_it_opens(defaults.server_error)

__all__ = ["bad_request", "page_not_found", "permission_denied", "server_error"]
