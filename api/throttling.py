"""The API's throttle for anonymous writes (token login, company registration): the project's
one rate limiter (``domain/ratelimit.py``), so a scope's budget per address is shared with the
portal's forms. The general per-request throttles (``anon``, ``user``) stay DRF's own."""

from rest_framework.throttling import BaseThrottle

from domain.ratelimit import rate_limit_hit


class SharedScopedThrottle(BaseThrottle):
    """Counts the request against the view's ``throttle_scope`` for the client's address."""

    def __init__(self) -> None:
        self.retry_after: int | None = None

    def allow_request(self, request, view) -> bool:
        scope = getattr(view, "throttle_scope", None)
        if not scope:
            return True
        verdict = rate_limit_hit(scope=scope, key=self.get_ident(request))
        self.retry_after = verdict.retry_after or None
        return verdict.allowed

    def wait(self) -> int | None:
        return self.retry_after
