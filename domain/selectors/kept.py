"""Figures kept while nothing changes: a municipality's statistics and outcome measures read
every row of the municipality (interests, placements, youth, attendance, follow-ups), so they
grow with it. A web process keeps each computation for at most
``NEXTWORK_STATISTICS_CACHE_SECONDS`` and only while the municipality's audit trail has not
moved: every change the services make is audited, so the key (which holds the newest entry,
found through the index ``audit_municipality_newest``) is a new one after any change. A change
made outside the services (a raw admin edit, a data migration) waits for the time limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from domain.models import AuditEntry, Municipality

T = TypeVar("T")


def kept_for_municipality(
    name: str, municipality: Municipality, parts: tuple, compute: Callable[[], T]
) -> T:
    """``compute()``, or what it gave for the same ``name``, ``parts`` and language since the
    municipality's last change. The caller checks who may see the figures first."""
    seconds = settings.NEXTWORK_STATISTICS_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    last_change = (
        AuditEntry.objects.filter(municipality=municipality)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    key = ":".join(
        str(part) for part in (name, municipality.pk, *parts, last_change, get_language())
    )
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return found
