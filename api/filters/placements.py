"""Filters for interests and placements by state, slot and company (ids as plain numbers: a
foreign id gives an empty page, never an error that confirms it exists)."""

import django_filters

from api.filters.ids import IdFilter
from domain.models import Interest, Placement


class InterestFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Interest.Status.choices)
    slot = IdFilter(field_name="slot_id")
    company = IdFilter(field_name="slot__company_id")

    class Meta:
        model = Interest
        fields = ("status", "slot", "company")


class PlacementFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Placement.Status.choices)
    slot = IdFilter(field_name="slot_id")
    company = IdFilter(field_name="slot__company_id")

    class Meta:
        model = Placement
        fields = ("status", "slot", "company")
