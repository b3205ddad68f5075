"""Statistics with charts, filtered by period and group, and the pseudonymised export as a
spreadsheet (.xlsx) and as a CSV for Danish Excel."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from domain.models import Municipality, NetworkGroup, Youth
from domain.selectors.groups import groups_visible_to_user
from domain.selectors.outcomes import outcome_measures
from domain.selectors.statistics import (
    CSV_HEADER,
    municipality_statistics,
    statistics_csv_rows,
)
from portal.errors import get_or_404
from portal.forms.consultant import StatisticsFilterForm
from portal.paging import page_of
from portal.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Column,
    danish_csv_bytes,
    export_filename,
    xlsx_bytes,
)
from portal.views.consultant_common import consultant_page, own_municipality

# The export's columns, in the selector's order (``CSV_HEADER`` holds the keys).
EXPORT_COLUMNS = (
    Column("youth", gettext_lazy("Young person (pseudonym)")),
    Column("group", gettext_lazy("Group")),
    Column("status", gettext_lazy("Status")),
    Column("interests", gettext_lazy("Interests"), "integer"),
    Column("intro_meetings", gettext_lazy("Intro meetings"), "integer"),
    Column("placements_approved", gettext_lazy("Placements approved"), "integer"),
    Column("placements_started", gettext_lazy("Placements started"), "integer"),
    Column("weeks_in_placement", gettext_lazy("Weeks in placement"), "decimal", places=1),
    Column("checkins", gettext_lazy("Check-ins"), "integer"),
    Column("average_checkin_score", gettext_lazy("Average check-in score"), "decimal", places=2),
    Column("events_signed_up", gettext_lazy("Match events signed up for"), "integer"),
    Column("events_attended", gettext_lazy("Match events attended"), "integer"),
    Column("events_no_show", gettext_lazy("Match events not shown up for"), "integer"),
)
STATUS = CSV_HEADER.index("status")


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
    stats = measures = groups_page = None
    if arguments is not None:
        stats = get_or_404(municipality_statistics, user=request.user, **arguments)
        measures = get_or_404(outcome_measures, user=request.user, **arguments)
        # A big municipality has a hundred groups: their table is a page long, like every list.
        groups_page = page_of(request, measures["by_group"], param="groups")
    return render(
        request,
        "portal/consultant/statistics.html",
        {
            "form": form,
            "stats": stats,
            "measures": measures,
            "groups_page": groups_page,
            "query": request.GET.urlencode(),
        },
        status=200 if arguments is not None else 400,
    )


def _export_rows(request: HttpRequest):
    """The export's rows (statuses in the reader's language), or the page with the form's
    errors (400) when the filters are wrong."""
    form, arguments = _filters(request)
    if arguments is None:
        return None, render(
            request,
            "portal/consultant/statistics.html",
            {"form": form, "stats": None, "query": ""},
            status=400,
        )
    _header, *rows = get_or_404(statistics_csv_rows, user=request.user, **arguments)
    for row in rows:
        row[STATUS] = Youth.Status(row[STATUS]).label
    return rows, None


def _download(body: bytes, *, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    filename = export_filename("nextwork-statistik", extension)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@consultant_page
def statistics_csv(request: HttpRequest) -> HttpResponse:
    """The same filters as the page; one pseudonymised row per young person, as Danish Excel
    reads a CSV."""
    rows, refusal = _export_rows(request)
    if refusal is not None:
        return refusal
    body = danish_csv_bytes(rows, EXPORT_COLUMNS)
    return _download(body, content_type=CSV_CONTENT_TYPE, extension="csv")


@consultant_page
def statistics_xlsx(request: HttpRequest) -> HttpResponse:
    """The same rows as the CSV, as a spreadsheet with number cells."""
    rows, refusal = _export_rows(request)
    if refusal is not None:
        return refusal
    body = xlsx_bytes(rows, EXPORT_COLUMNS, title=_("Statistics"))
    return _download(body, content_type=XLSX_CONTENT_TYPE, extension="xlsx")
