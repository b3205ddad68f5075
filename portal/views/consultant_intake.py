"""Randomised intake: the referrals with the form to register one, "Draw now" with its
confirmation, and a draw's page (its seed, counts per stratum and arm, and the check that the
seed still gives the stored arms)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from domain.selectors.intake import (
    draw_get_for_user,
    draw_reproduce,
    draw_stored_arms,
    draw_strata,
    draws_visible_to_user,
    intake_municipalities_for_user,
    intake_municipality_get_for_user,
    referrals_visible_to_user,
    referrals_waiting,
)
from domain.services.intake import draw_run, referral_register
from portal.errors import attempt, get_or_404
from portal.forms.consultant import DrawConfirmForm, ReferralForm
from portal.views.consultant_common import consultant_page, own_municipality

PAGE_SIZE = 50


@consultant_page
def referrals(request: HttpRequest) -> HttpResponse:
    """The referrals (newest first) and, on POST, registering one."""
    own = own_municipality(request.user)
    form = ReferralForm(request.POST or None, municipality=own)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            request,
            lambda: referral_register(
                municipality=own or data["municipality"],
                actor=request.user,
                reference=data["reference"],
                birth_year=data["birth_year"],
                referral_date=data["referral_date"],
            ),
            form=form,
            success=_("The referral is registered. It waits for the next draw."),
        )
        if done is not None:
            return redirect("consultant:referrals")
    rows = referrals_visible_to_user(user=request.user).select_related("youth", "draw")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    municipalities = [
        {"municipality": m, "waiting": referrals_waiting(municipality=m)}
        for m in intake_municipalities_for_user(user=request.user)
    ]
    context = {
        "form": form,
        "page": page,
        "municipalities": municipalities,
        "draws": draws_visible_to_user(user=request.user)[:20],
        "randomising": own is None or own.intake_randomised,
    }
    # A POST that did not redirect was refused: at a field, or as the page's message.
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/consultant/referrals.html", context, status=status)


@consultant_page
def draw_new(request: HttpRequest, municipality_id: int) -> HttpResponse:
    """GET: what the draw will take, and the confirmation; POST: the draw."""
    municipality = get_or_404(
        intake_municipality_get_for_user, user=request.user, municipality_id=municipality_id
    )
    form = DrawConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        draw = attempt(
            request,
            lambda: draw_run(municipality=municipality, actor=request.user),
            form=form,
            success=_("The draw is made. It is final."),
        )
        if draw is not None:
            return redirect("consultant:draw_detail", draw_id=draw.pk)
    context = {
        "form": form,
        "municipality": municipality,
        "waiting": referrals_waiting(municipality=municipality),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/consultant/draw_new.html", context, status=status)


@consultant_page
def draw_detail(request: HttpRequest, draw_id: int) -> HttpResponse:
    draw = get_or_404(draw_get_for_user, user=request.user, draw_id=draw_id)
    strata = draw_strata(draw)
    context = {
        "draw": draw,
        "strata": strata,
        "total": {
            "nextwork": sum(row["nextwork"] for row in strata),
            "usual": sum(row["usual"] for row in strata),
            "total": sum(row["total"] for row in strata),
        },
        "reproduced": draw_reproduce(draw) == draw_stored_arms(draw),
    }
    return render(request, "portal/consultant/draw_detail.html", context)
