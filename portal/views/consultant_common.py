"""What every consultant page shares: the role check in the municipality's time zone and the
user's municipality. (A service call runs through ``portal.errors.attempt``.)"""

from __future__ import annotations

from contextlib import nullcontext
from functools import wraps
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from domain import policy
from domain.models import Municipality
from portal.access import View, consultant_required


def own_municipality(user: object) -> Municipality | None:
    """The consultant's municipality; None for an admin (they see every municipality)."""
    if policy.role_of(user) != "consultant":
        return None
    return user.consultant.municipality  # type: ignore[union-attr]


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
