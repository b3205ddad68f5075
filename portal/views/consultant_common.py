"""What every consultant page shares: the role check in the municipality's time zone, the
user's municipality, and running a service call with its error shown where the user looks."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from functools import wraps
from typing import TypeVar
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from domain import policy
from domain.exceptions import DomainError
from domain.models import Municipality
from portal.access import View, consultant_required
from portal.errors import show_domain_error

T = TypeVar("T")


def own_municipality(user: object) -> Municipality | None:
    """The consultant's municipality; None for an admin (they see every municipality)."""
    if policy.role_of(user) != "consultant":
        return None
    return user.consultant.municipality  # type: ignore[union-attr]


def attempt(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    form: forms.BaseForm | None = None,
    fields: dict[str, str] | None = None,
    success: str | None = None,
) -> T | None:
    """Run a service call. On success show ``success`` (if given) and return the result; on a
    ``DomainError`` show it at the form's field or as a page message (404/403 for access
    codes) and return None."""
    try:
        result = call()
    except DomainError as error:
        show_domain_error(request, error, form=form, fields=fields)
        return None
    if success:
        messages.success(request, success)
    return result


def local_time(municipality: Municipality | None):
    """Parse and show times in the municipality's zone (none given: as they are now)."""
    if municipality is None:
        return nullcontext()
    return timezone.override(ZoneInfo(municipality.timezone))


def consultant_page(view: View) -> View:
    """``consultant_required``, with the page's times in the consultant's own municipality's
    zone (an admin sees the installation's zone, or the object's where a view says so)."""

    @consultant_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with local_time(own_municipality(request.user)):
            return view(request, *args, **kwargs)

    return wrapper
