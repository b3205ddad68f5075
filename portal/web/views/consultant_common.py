"""What every consultant page shares: the user's municipality, running a service call with its
error shown where the user looks, and the municipality's time zone for the forms."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone

from portal import policy
from portal.exceptions import DomainError
from portal.models import Municipality
from portal.web.errors import show_domain_error

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


@contextmanager
def local_time(municipality: Municipality | None):
    """Parse and show the form's times in the municipality's zone (an admin: the default)."""
    if municipality is None:
        yield
        return
    timezone.activate(ZoneInfo(municipality.timezone))
    try:
        yield
    finally:
        timezone.deactivate()
