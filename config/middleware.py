"""Headers Django has no setting for."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PermissionsPolicyMiddleware:
    """Sends ``settings.PERMISSIONS_POLICY`` with every response (the features the product never
    uses are off, so an injected script or a framed page cannot ask for the camera)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class OneThreadMiddleware:
    """Last in ``MIDDLEWARE``, and sync only, on purpose: it keeps the whole stack in the
    request's one thread.

    Under ASGI Django runs a middleware that can do both in async mode whenever the one below
    it is async, and Django's own (sessions, CSRF, messages, ...) then hand every hook to a
    thread and back; with a sync-only middleware innermost, every middleware above it runs in
    sync mode in the one thread the request already has, and only the view's own hand-off
    remains."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
