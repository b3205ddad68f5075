"""The second factor (django-otp: TOTP apps and single-use recovery codes): who must pass it,
and the middleware that sends a session that has not passed it to the right page.

A consultant or admin without a device is sent to set one up before any page (so before any
youth data); with a device, to the code page. A company member with a device is sent to the
code page too. The API answers such a session with a 403 instead of a redirect, and the
websockets refuse it (portal/consumers.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.models import Device

from domain import policy

# Paths a session may reach before its second factor: the factor's own pages, logging out,
# choosing the language, and what the pages load.
OPEN_PREFIXES = ("/login/", "/logout/", "/i18n/", "/static/", "/health/", "/password/")


def needs_second_factor(request: HttpRequest) -> bool:
    """The session is logged in, must pass a second factor, and has not yet."""
    user = request.user
    if not user.is_authenticated or not policy.second_factor_required(user):
        return False
    return not user.is_verified()


def session_passed_second_factor(session, user) -> bool:
    """For code without django-otp's middleware (websockets): the session names a device of
    ``user`` that is still confirmed, or the user needs none."""
    if not policy.second_factor_required(user):
        return True
    device = Device.from_persistent_id(session.get(DEVICE_ID_SESSION_KEY) or "")
    return device is not None and device.user_id == user.pk and device.confirmed


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(OPEN_PREFIXES) or not needs_second_factor(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            message = _("Confirm your login with the second factor in the portal first.")
            return JsonResponse(
                {"code": "second_factor_required", "message": message, "fields": {}}, status=403
            )
        has_device = user_has_device(request.user, confirmed=True)
        target = reverse("two_factor_verify" if has_device else "two_factor_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
