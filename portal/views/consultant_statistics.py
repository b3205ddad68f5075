"""Statistics with charts, filtered by period and group, and the pseudonymised CSV export."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from domain.models import Municipality, NetworkGroup
from domain.selectors.groups import groups_visible_to_user
from domain.selectors.statistics import municipality_statistics, statistics_csv_rows
from portal.errors import get_or_404
from portal.forms.consultant import StatisticsFilterForm
from portal.views.consultant_common import consultant_page, own_municipality


def _filters(request: HttpRequest):
    """The filter form and, when it is valid, the selector's arguments."""
    municipality = own_municipality(request.user)
    # The filter's choices need a name and an id only: not the selector's member counts and
    # facilitators, which a big municipality's hundred groups make costly.
    groups = (
        NetworkGroup.objects.filter(pk__in=groups_visible_to_user(user=request.user).values("pk"))
        .select_related("municipality")  # a choice's label names it
        .order_by("name", "pk")
    )
    data = request.GET.copy()
    if municipality is None and not data.get("municipality"):
        first = Municipality.objects.order_by("name").first()
        if first is not None:
            data["municipality"] = str(first.pk)
    form = StatisticsFilterForm(data, municipality=municipality, groups=groups)
    if not form.is_valid():
        return form, None
    chosen = municipality or form.cleaned_data["municipality"]
    group: NetworkGroup | None = form.cleaned_data["group"]
    return form, {
        "municipality_id": chosen.pk,
        "date_from": form.cleaned_data["date_from"],
        "date_to": form.cleaned_data["date_to"],
        "group_id": group.pk if group else None,
    }


@consultant_page
def statistics(request: HttpRequest) -> HttpResponse:
    form, arguments = _filters(request)
    stats = None
    if arguments is not None:
        stats = get_or_404(municipality_statistics, user=request.user, **arguments)
    return render(
        request,
        "portal/consultant/statistics.html",
        {"form": form, "stats": stats, "query": request.GET.urlencode()},
        status=200 if arguments is not None else 400,
    )


@consultant_page
def statistics_csv(request: HttpRequest) -> HttpResponse:
    """The same filters as the page; one pseudonymised row per young person."""
    form, arguments = _filters(request)
    if arguments is None:
        return render(
            request,
            "portal/consultant/statistics.html",
            {"form": form, "stats": None, "query": ""},
            status=400,
        )
    rows = get_or_404(statistics_csv_rows, user=request.user, **arguments)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nextwork-statistik.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerows([[_inert(cell) for cell in row] for row in rows])
    return response


def _inert(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (a group's name is typed by people)."""
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
