"""Slots, interest, placements and follow-up (``domain/models/placements.py``)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from domain.models import CheckIn, FollowUpNote, Interest, Placement, Slot
from domain.selectors.slots import slot_seats_taken_count
from domain.services.placements import placement_approve, placement_complete, placement_start
from domain.services.slots import slot_close, slot_pause, slot_publish, slot_resume

from .base import BaseAdmin, service_action


@admin.register(Slot)
class SlotAdmin(BaseAdmin):
    lifecycle_fields = ("company", "status", "published_at", "seats")
    actions = (
        service_action(slot_publish, arg="slot", description=_("Publish")),
        service_action(slot_pause, arg="slot", description=_("Pause")),
        service_action(slot_resume, arg="slot", description=_("Resume")),
        service_action(slot_close, arg="slot", description=_("Close")),
    )
    list_display = (
        "title",
        "company",
        "kind",
        "status",
        "seats",
        "seats_taken",
        "hours_min",
        "hours_max",
        "earliest_start",
        "published_at",
    )
    list_select_related = ("company", "sector")
    list_filter = ("status", "kind", "sector")
    search_fields = ("title", "company__name", "company__cvr", "postcode")
    date_hierarchy = "earliest_start"
    readonly_fields = ("created_at", "updated_at")
    autocomplete_fields = ("sector",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_seats_taken=slot_seats_taken_count())

    @admin.display(description=_("seats taken"), ordering="_seats_taken")
    def seats_taken(self, obj: Slot) -> int:
        return obj._seats_taken


@admin.register(Interest)
class InterestAdmin(BaseAdmin):
    view_only = True
    list_display = ("id", "youth", "slot", "status", "created_at", "intro_meeting_at", "decided_at")
    list_select_related = ("youth", "slot__company")
    list_filter = ("status", "youth__municipality")
    search_fields = ("youth__first_name", "slot__title", "slot__company__name")
    date_hierarchy = "created_at"


@admin.register(Placement)
class PlacementAdmin(BaseAdmin):
    view_only = True
    actions = (
        service_action(placement_approve, arg="placement", description=_("Approve")),
        service_action(
            placement_start, arg="placement", description=_("Start (on its start date)")
        ),
        service_action(placement_complete, arg="placement", description=_("Complete")),
    )
    list_display = (
        "id",
        "youth",
        "slot",
        "status",
        "hours_per_week",
        "start_date",
        "end_date",
        "decided_at",
    )
    list_select_related = ("youth", "slot__company")
    list_filter = ("status", "youth__municipality", "slot__kind")
    search_fields = ("youth__first_name", "slot__title", "slot__company__name")
    date_hierarchy = "start_date"


@admin.register(CheckIn)
class CheckInAdmin(BaseAdmin):
    view_only = True
    list_display = ("placement", "week", "score", "shared", "created_at")
    list_select_related = ("placement",)
    list_filter = ("score", "shared")
    search_fields = ("placement__youth__first_name", "placement__slot__company__name")
    date_hierarchy = "week"


@admin.register(FollowUpNote)
class FollowUpNoteAdmin(BaseAdmin):
    view_only = True
    list_display = ("id", "placement", "author", "met_workplace_contact", "created_at")
    list_select_related = ("placement", "author")
    list_filter = ("met_workplace_contact",)
    search_fields = ("text", "placement__youth__first_name", "placement__slot__company__name")
    date_hierarchy = "created_at"
