"""The company's own numbers: the funnel on its slots (drawn with the consultants' chart
helpers), counts per state, each slot's interests and placements, and its match events."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from domain.selectors.statistics import company_statistics
from portal.access import company_required
from portal.errors import get_or_404
from portal.forms.company import StatisticsPeriodForm


@company_required
def statistics(request: HttpRequest) -> HttpResponse:
    form = StatisticsPeriodForm(request.GET)
    stats = None
    if form.is_valid():
        stats = get_or_404(
            company_statistics,
            user=request.user,
            company_id=request.user.company_member.company_id,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    return render(
        request,
        "portal/company/statistics.html",
        {"form": form, "stats": stats},
        status=200 if stats is not None else 400,
    )
