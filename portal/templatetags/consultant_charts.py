"""Chart tags for the statistics page: each draws one chart of ``municipality_statistics``'
data as inline SVG (``portal.charts``); the page shows the same numbers as tables."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from domain.models import Interest, Placement, Slot
from portal import charts

register = template.Library()

FUNNEL_LABELS = {
    "interests": gettext_lazy("Interests"),
    "intro_meetings": gettext_lazy("Intro meetings"),
    "approved": gettext_lazy("Approved placements"),
    "started": gettext_lazy("Started placements"),
}


@register.filter
def funnel_label(step: str) -> str:
    return str(FUNNEL_LABELS.get(step, step))


@register.filter
def interest_state(status: str) -> str:
    return str(dict(Interest.Status.choices).get(status, status))


@register.filter
def placement_state(status: str) -> str:
    return str(dict(Placement.Status.choices).get(status, status))


@register.filter
def slot_state(status: str) -> str:
    return str(dict(Slot.Status.choices).get(status, status))


@register.simple_tag
def funnel_chart(funnel: list[dict]) -> SafeString:
    rows = [(funnel_label(row["step"]), row["count"]) for row in funnel]
    return charts.bar_chart(
        chart_id="chart-funnel",
        title=_("From interest to placement"),
        desc=", ".join(f"{label}: {value}" for label, value in rows),
        rows=rows,
    )


@register.simple_tag
def weeks_chart(youth_rows: list[dict]) -> SafeString:
    rows = [(row["youth"], row["weeks"]) for row in youth_rows]
    return charts.bar_chart(
        chart_id="chart-weeks",
        title=_("Weeks in placement per young person"),
        desc=_("One bar per young person (pseudonymised), most weeks first."),
        rows=rows,
    )


def week_band_label(band: dict) -> str:
    if band["to"] is None:
        return _("%(start)s weeks or more") % {"start": band["from"]}
    return _("%(start)s–%(end)s weeks") % {"start": band["from"], "end": band["to"]}


@register.filter
def week_band(band: dict) -> str:
    """A band of the weeks-in-placement distribution as words: "4–8 weeks"."""
    return week_band_label(band)


@register.simple_tag
def week_bands_chart(bands: list[dict]) -> SafeString:
    return charts.bar_chart(
        chart_id="chart-weeks",
        title=_("Young people by weeks in placement"),
        desc=_("One bar per band of weeks: how many young people spent that long in placement."),
        rows=[(week_band_label(band), band["youth"]) for band in bands],
    )


@register.simple_tag
def checkin_chart(weeks: list[dict]) -> SafeString:
    return charts.line_chart(
        chart_id="chart-checkins",
        title=_("Check-in scores over time"),
        desc=_("Average score per week, from 1 (bad) to 5 (good)."),
        points=[(row["week"][5:], row["average"]) for row in weeks],
        y_min=1,
        y_max=5,
    )


@register.simple_tag
def events_chart(events: list[dict]) -> SafeString:
    series = [_("Attended"), _("No-show"), _("Signed up")]
    rows = [(row["title"], [row["attended"], row["no_show"], row["confirmed"]]) for row in events]
    return charts.stacked_bar_chart(
        chart_id="chart-events",
        title=_("Attendance at match events"),
        desc=_("Per event: young people who attended, did not show up, or are signed up."),
        series=series,
        rows=rows,
    )
