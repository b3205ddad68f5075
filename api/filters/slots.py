"""Slot filters: sector, kind, hours, postcode, status, company, municipality.

Ids are plain numbers, never checked against the database, so a foreign id gives an empty page
rather than a 400 that would confirm it exists."""

import django_filters

from api.filters.ids import IdFilter, WholeNumberFilter
from domain import policy
from domain.models import NetworkMembership, Slot


class SlotFilter(django_filters.FilterSet):
    sector = django_filters.CharFilter(field_name="sector__code", help_text="A sector code.")
    kind = django_filters.ChoiceFilter(choices=Slot.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Slot.Status.choices)
    postcode = django_filters.CharFilter()
    company = IdFilter(field_name="company_id")
    hours = WholeNumberFilter(
        method="filter_hours", help_text="Slots whose hours-per-week range allows this many."
    )
    municipality = IdFilter(
        method="filter_municipality",
        help_text="Slots of companies accepted into this municipality's network.",
    )

    class Meta:
        model = Slot
        fields = ["sector", "kind", "status", "postcode", "company", "hours", "municipality"]

    def filter_hours(self, queryset, name, value):
        return queryset.filter(hours_min__lte=value, hours_max__gte=value)

    def filter_municipality(self, queryset, name, value):
        # A consultant learns nothing about other municipalities' networks through it.
        own = policy.consultant_municipality_id(self.request.user)
        if own is not None:
            # The selector already keeps the consultant's own network: nothing to add.
            return queryset if own == value else queryset.none()
        return queryset.filter(company_id__in=NetworkMembership.objects.company_ids_in(value))
