"""The consultant's dashboard: counts per state and the lists that reload live (each list is
an htmx/live.js fragment of its own)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from domain.selectors.agenda import coming_absences
from domain.selectors.dashboard import (
    dashboard_counts,
    low_checkins,
    overdue_interests,
    recent_interests,
    recent_signups,
    unreachable_youth,
)
from domain.selectors.placements import placements_awaiting_approval
from portal.views.consultant_common import consultant_page

PARTS = (
    "counts",
    "unreachable",
    "overdue",
    "absences",
    "interests",
    "signups",
    "checkins",
    "approvals",
)


def _part_context(user, part: str) -> dict:
    if part == "counts":
        return {"counts": dashboard_counts(user=user)}
    if part == "interests":
        return {"interests": recent_interests(user=user)}
    if part == "signups":
        return {"signups": recent_signups(user=user)}
    if part == "checkins":
        return {"checkins": low_checkins(user=user)}
    if part == "overdue":
        return {"overdue": overdue_interests(user=user)}
    if part == "unreachable":
        return {"unreachable": unreachable_youth(user=user)}
    if part == "absences":
        return {"absences": coming_absences(user=user)}
    return {"placements": list(placements_awaiting_approval(user=user)[:10])}


@consultant_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """The start page of consultants and admins."""
    context = {"parts": PARTS}
    for part in PARTS:
        context.update(_part_context(request.user, part))
    return render(request, "portal/consultant/dashboard.html", context)


@consultant_page
def dashboard_part(request: HttpRequest, part: str) -> HttpResponse:
    """One of the dashboard's lists alone, for the live reload."""
    if part not in PARTS:
        raise Http404
    return render(
        request,
        f"portal/consultant/fragments/dashboard_{part}.html",
        _part_context(request.user, part),
    )
