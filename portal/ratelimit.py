"""Rate limits on the portal's anonymous forms (login, password reset, company registration),
through the project's one limiter, so the budgets are shared with the API's token login and
registration. Only POSTs count: showing a form costs nothing."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from domain.ratelimit import Verdict, rate_limit_hit


def client_address(request: HttpRequest) -> str:
    # Behind the TLS proxy uvicorn puts the forwarded client address here (FORWARDED_ALLOW_IPS).
    return request.META.get("REMOTE_ADDR") or "unknown"


def too_many_attempts(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    """429 with ``Retry-After`` and a page that says how long to wait."""
    minutes = math.ceil(verdict.retry_after / 60)
    response = render(request, "portal/auth/too_many.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def limit_posts(scope: str) -> Callable:
    """Count each POST to the view against ``scope`` for the client's address."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                verdict = rate_limit_hit(scope=scope, key=client_address(request))
                if not verdict.allowed:
                    return too_many_attempts(request, verdict)
            return view(request, *args, **kwargs)

        return limited

    return decorator
