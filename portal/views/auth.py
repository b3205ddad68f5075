"""Logging in: Django's auth views with the portal's templates; django-axes counts failures."""

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from domain.models import Municipality


class LoginView(auth_views.LoginView):
    template_name = "portal/auth/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Municipalities whose consultants may log in with their own identity provider.
        context["municipal_sign_ins"] = Municipality.objects.filter(sign_in__enabled=True).order_by(
            "name"
        )
        return context


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """django-axes' answer to a locked-out login (``AXES_LOCKOUT_CALLABLE``): a kind page that
    says how long to wait and offers a new password, instead of a bare 429 text."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    context = {"failure_limit": get_failure_limit(request, credentials), "minutes": minutes}
    return render(
        request,
        "portal/auth/locked_out.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
