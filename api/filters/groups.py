"""Filters for network groups and meetings (ids as plain numbers: a foreign id gives an empty
page, never an error that confirms it exists)."""

import django_filters

from api.filters.ids import IdFilter
from domain.models import Meeting, NetworkGroup


class GroupFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter()
    municipality = IdFilter(field_name="municipality_id")

    class Meta:
        model = NetworkGroup
        fields = ("is_active", "municipality")


class MeetingFilter(django_filters.FilterSet):
    group = IdFilter(field_name="group_id")
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices)
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Meeting
        fields = ("group", "status", "starts_after", "starts_before")
