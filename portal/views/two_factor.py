"""The second factor's pages: entering a code after the password, and setting up an
authenticator app (required for consultants and admins, a choice for company members)."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from domain.ratelimit import rate_limit_hit
from domain.services.two_factor import (
    recovery_codes_renew,
    totp_device_confirm,
    totp_device_pending,
)
from portal.errors import attempt
from portal.forms.two_factor import CodeForm
from portal.ratelimit import too_many_attempts
from portal.twofactor import needs_second_factor


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _limited(request: HttpRequest) -> HttpResponse | None:
    """Six digits can be guessed by trying: a few tries a minute per user."""
    verdict = rate_limit_hit(scope="otp_verify", key=f"user:{request.user.pk}")
    return None if verdict.allowed else too_many_attempts(request, verdict)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app, or a recovery code."""
    if not needs_second_factor(request):
        return redirect(_next(request))
    if not user_has_device(request.user, confirmed=True):
        return redirect(_with_next("two_factor_setup", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if refused := _limited(request):
            return refused
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", _("That code is not right. Try the one the app shows now."))
    context = {"form": form, "next": _next(request)}
    return render(request, "portal/auth/two_factor_verify.html", context)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app; once set up, renew the recovery codes."""
    user = request.user
    if user_has_device(user, confirmed=True):
        if not user.is_verified():
            return redirect(_with_next("two_factor_verify", request))
        if request.method == "POST":
            codes = recovery_codes_renew(user=user)
            return _show_recovery_codes(request, codes)
        return render(request, "portal/auth/two_factor_on.html", {"next": _next(request)})
    device = totp_device_pending(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if refused := _limited(request):
            return refused
        codes = attempt(
            request,
            lambda: totp_device_confirm(device=device, code=form.cleaned_data["code"]),
            form=form,
        )
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            return _show_recovery_codes(request, codes)
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    context = {
        "form": form,
        "qr": mark_safe(qr),  # noqa: S308 (segno's own SVG of our own otpauth URL)
        "secret": _grouped(device.bin_key),
        "required": needs_second_factor(request),
        "next": _next(request),
    }
    return render(request, "portal/auth/two_factor_setup.html", context)


def _grouped(key: bytes) -> str:
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _show_recovery_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    context = {"codes": codes, "next": _next(request)}
    return render(request, "portal/auth/two_factor_recovery_codes.html", context)
