"""Match events and their company and youth sign-ups (``domain/models/events.py``)."""

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from domain.models import CompanySignup, MatchEvent, YouthSignup
from domain.selectors.events import seats_taken_count
from domain.services import events as event_services

from .base import BaseAdmin, ReadOnlyInline, service_action


class CompanySignupInline(ReadOnlyInline):
    model = CompanySignup
    fields = ("company", "attendees", "slots", "status", "created_at", "cancelled_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("company", "event")


class YouthSignupInline(ReadOnlyInline):
    model = YouthSignup
    fields = ("youth", "status", "sequence", "created_at", "promoted_at", "cancelled_at")


@admin.register(MatchEvent)
class MatchEventAdmin(BaseAdmin):
    # Times and capacities move reminders and the waitlist: event_update does that.
    lifecycle_fields = (
        "municipality",
        "status",
        "starts_at",
        "ends_at",
        "signup_deadline",
        "youth_capacity",
        "company_capacity",
        "created_by",
    )
    actions = (
        service_action(event_services.event_publish, arg="event", description=_("Publish")),
        service_action(event_services.event_complete, arg="event", description=_("Complete")),
    )
    list_display = (
        "title",
        "municipality",
        "starts_at",
        "status",
        "youth_seated",
        "youth_capacity",
        "youth_waitlisted",
        "companies_signed_up",
        "company_capacity",
        "signup_deadline",
    )
    list_select_related = ("municipality",)
    list_filter = ("status", "municipality")
    search_fields = ("title", "place")
    date_hierarchy = "starts_at"
    readonly_fields = ("created_at",)
    inlines = (CompanySignupInline, YouthSignupInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # distinct: two to-many joins in one query would multiply each other's counts.
        return (
            super()
            .get_queryset(request)
            .annotate(
                _seated=seats_taken_count(),
                _waitlisted=Count(
                    "youth_signups",
                    filter=Q(youth_signups__status=YouthSignup.Status.WAITLISTED),
                    distinct=True,
                ),
                _companies=Count(
                    "company_signups",
                    filter=Q(company_signups__status=CompanySignup.Status.CONFIRMED),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("youth seated"), ordering="_seated")
    def youth_seated(self, obj: MatchEvent) -> int:
        return obj._seated

    @admin.display(description=_("waitlisted"), ordering="_waitlisted")
    def youth_waitlisted(self, obj: MatchEvent) -> int:
        return obj._waitlisted

    @admin.display(description=_("companies"), ordering="_companies")
    def companies_signed_up(self, obj: MatchEvent) -> int:
        return obj._companies


@admin.register(CompanySignup)
class CompanySignupAdmin(BaseAdmin):
    view_only = True
    list_display = ("event", "company", "attendees", "status", "created_at", "cancelled_at")
    list_select_related = ("event", "company")
    list_filter = ("status", "event__municipality")
    search_fields = ("company__name", "event__title")
    date_hierarchy = "created_at"


@admin.register(YouthSignup)
class YouthSignupAdmin(BaseAdmin):
    view_only = True
    list_display = ("event", "youth", "status", "sequence", "created_at", "promoted_at")
    list_select_related = ("event", "youth")
    list_filter = ("status", "event__municipality")
    search_fields = ("youth__first_name", "event__title")
    date_hierarchy = "created_at"
