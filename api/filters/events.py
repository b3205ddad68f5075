"""Filters for match events: by date and status (ids as plain numbers, so a foreign id gives
an empty page, never an error that confirms it exists)."""

import django_filters

from api.filters.ids import IdFilter
from domain.models import MatchEvent


class EventFilter(django_filters.FilterSet):
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    date = django_filters.DateFilter(field_name="starts_at", lookup_expr="date")
    status = django_filters.ChoiceFilter(choices=MatchEvent.Status.choices)
    municipality = IdFilter(field_name="municipality_id")

    class Meta:
        model = MatchEvent
        fields = ("starts_after", "starts_before", "date", "status", "municipality")
