"""Placements at the company: who comes when, for how many hours, and how to reach them
(contact details only while the placement is approved or running, per the youth card)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from domain.models import Placement
from domain.selectors.placements import placements_visible_to_user
from domain.selectors.youth import youth_cards_for_company
from portal.access import company_required

CURRENT = (Placement.Status.PROPOSED, Placement.Status.APPROVED, Placement.Status.ACTIVE)


@company_required
def placement_list(request: HttpRequest) -> HttpResponse:
    placements = list(placements_visible_to_user(user=request.user).order_by("-start_date", "-pk"))
    interests = [p.interest for p in placements if p.interest is not None]
    cards = youth_cards_for_company(user=request.user, interests=interests)
    rows = [(p, cards.get(p.interest_id, {})) for p in placements]
    context = {
        "current": [row for row in rows if row[0].status in CURRENT],
        "past": [row for row in rows if row[0].status not in CURRENT],
    }
    return render(request, "portal/company/placements.html", context)
