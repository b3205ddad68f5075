"""Filters for companies and memberships. Plain values, never choices checked against the
database: filtering by someone else's id gives an empty page, not a 400 that confirms it."""

import django_filters

from api.filters.ids import IdFilter
from domain.models import Company, NetworkMembership


class CompanyFilter(django_filters.FilterSet):
    sector = django_filters.CharFilter(field_name="sector__code", help_text="A sector code.")
    postcode = django_filters.CharFilter()

    class Meta:
        model = Company
        fields = ["sector", "postcode"]


class MembershipFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=NetworkMembership.Status.choices)
    company = IdFilter(field_name="company_id")
    municipality = IdFilter(field_name="municipality_id")

    class Meta:
        model = NetworkMembership
        fields = ["status", "company", "municipality"]
