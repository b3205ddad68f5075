"""The approval queue: proposed placements, each with the youth's history and the slot's free
seats in view, to approve or to reject with a reason."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from domain.models import Placement
from domain.selectors.placements import placement_get_for_user, placements_awaiting_approval
from domain.selectors.slots import slot_seats_taken
from domain.selectors.timeline import youth_timeline
from domain.services.placements import placement_approve, placement_reject
from portal.errors import attempt, get_or_404
from portal.forms.consultant import ReasonForm
from portal.held import tell_held_pushes
from portal.paging import page_of
from portal.views.consultant_common import consultant_page


@consultant_page
def approvals(request: HttpRequest) -> HttpResponse:
    """Every proposed placement the user may decide on, oldest first, a page at a time."""
    page = page_of(request, placements_awaiting_approval(user=request.user))
    return render(
        request,
        "portal/consultant/approvals.html",
        {"placements": page.object_list, "page": page},
    )


def _render_detail(request, placement: Placement, form: ReasonForm, status: int = 200):
    timeline = youth_timeline(user=request.user, youth_id=placement.youth_id)
    taken = slot_seats_taken(slot=placement.slot)
    context = {
        "placement": placement,
        "timeline": timeline,
        "seats_taken": taken,
        "seats_free": max(placement.slot.seats - taken, 0),
        "form": form,
    }
    return render(request, "portal/consultant/approval_detail.html", context, status=status)


@consultant_page
def approval(request: HttpRequest, placement_id: int) -> HttpResponse:
    """One proposed (or already decided) placement; rejecting it posts here with a reason."""
    placement = get_or_404(placement_get_for_user, user=request.user, placement_id=placement_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: placement_reject(
                placement=placement, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            form=form,
            success=_("The placement was rejected. The young person is told why."),
        )
        if done is not None:
            tell_held_pushes(request, subject=placement)
            return redirect("consultant:approvals")
    status = 400 if request.method == "POST" else 200
    return _render_detail(request, placement, form, status)


@require_POST
@consultant_page
def approve(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = get_or_404(placement_get_for_user, user=request.user, placement_id=placement_id)
    done = attempt(
        request,
        lambda: placement_approve(placement=placement, actor=request.user),
        success=_("The placement was approved. The young person is told."),
    )
    if done is None:
        return redirect("consultant:approval", placement_id=placement.pk)
    tell_held_pushes(request, subject=placement)
    return redirect("consultant:approvals")
