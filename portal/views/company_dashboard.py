"""The company's front page: its network memberships and its slots with their counts, one
page of slots at a time."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from domain.models import Interest
from domain.selectors.network import memberships_visible_to_user, networks_to_join
from domain.selectors.placements import interests_visible_to_user
from domain.selectors.slots import slot_seats_taken_count, slots_visible_to_user
from portal.access import company_required
from portal.paging import page_of


@company_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Slots (every status) with live interests, pending interests and seated placements."""
    slots = slots_visible_to_user(user=request.user).annotate(
        interests_pending=Count(
            "interests", filter=Q(interests__status=Interest.Status.PENDING), distinct=True
        ),
        interests_live=Count(
            "interests", filter=Q(interests__status__in=Interest.LIVE), distinct=True
        ),
        placements_seated=slot_seats_taken_count(),
    )
    page = page_of(request, slots)
    memberships = list(memberships_visible_to_user(user=request.user))
    member = request.user.company_member
    # A link, not the list of every other municipality: the page stays the same size however
    # many municipalities the installation serves.
    can_join_more = member.is_company_admin and networks_to_join(user=request.user).exists()
    context = {
        "company": member.company,
        "can_join_more": can_join_more,
        "slots": page.object_list,
        "slots_page": page,
        # Over every slot, not only this page's.
        "waiting": interests_visible_to_user(user=request.user)
        .filter(status=Interest.Status.PENDING)
        .count(),
        "memberships": memberships,
        "accepted": any(m.is_accepted for m in memberships),
    }
    return render(request, "portal/company/dashboard.html", context)
