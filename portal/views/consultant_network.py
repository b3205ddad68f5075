"""The company network: requests to join, to accept or to reject with a reason."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from domain.models import NetworkMembership
from domain.selectors.answers import company_answer_stats
from domain.selectors.network import membership_get_for_user, memberships_visible_to_user
from domain.services.network import membership_accept, membership_reject
from portal.errors import attempt, get_or_404
from portal.forms.consultant import ReasonForm
from portal.paging import page_of
from portal.views.consultant_common import consultant_page


@consultant_page
def memberships(request: HttpRequest) -> HttpResponse:
    """Pending requests first (oldest first), then the network's members and past refusals
    (newest first); a page of each, since a big municipality's network has hundreds. Each
    decided company shows its answer rate and median time to answer."""
    rows = memberships_visible_to_user(user=request.user)
    Status = NetworkMembership.Status
    pending = page_of(
        request, rows.filter(status=Status.PENDING).order_by("requested_at", "pk"), param="asked"
    )
    decided = page_of(request, rows.exclude(status=Status.PENDING), param="page")
    shown = list(decided.object_list)
    answers = company_answer_stats(user=request.user, company_ids=[m.company_id for m in shown])
    for membership in shown:
        membership.answers = answers[membership.company_id]
    context = {
        "pending": pending.object_list,
        "pending_page": pending,
        "decided": shown,
        "decided_page": decided,
    }
    return render(request, "portal/consultant/memberships.html", context)


@require_POST
@consultant_page
def membership_accept_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_or_404(membership_get_for_user, user=request.user, membership_id=membership_id)
    attempt(
        request,
        lambda: membership_accept(membership=membership, actor=request.user),
        success=_("%(company)s is now in the network.") % {"company": membership.company.name},
    )
    return redirect("consultant:memberships")


@consultant_page
def membership_reject_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_or_404(membership_get_for_user, user=request.user, membership_id=membership_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: membership_reject(
                membership=membership, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            form=form,
            success=_("The request was rejected. The company sees your reason."),
        )
        if done is not None:
            return redirect("consultant:memberships")
    status = 400 if form.errors else 200
    return render(
        request,
        "portal/consultant/membership_reject.html",
        {"membership": membership, "form": form},
        status=status,
    )
