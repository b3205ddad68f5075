"""Network groups, their schedules, meetings and attendance (``domain/models/groups.py``)."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from domain.models import Attendance, GroupSchedule, Meeting, NetworkGroup
from domain.services.groups import group_deactivate

from .base import BaseAdmin, GrowingTableAdmin, ReadOnlyInline, service_action


class GroupScheduleInline(ReadOnlyInline):
    model = GroupSchedule
    fields = ("weekday", "start_time", "duration_minutes", "place", "starts_on", "ends_on")


@admin.register(NetworkGroup)
class NetworkGroupAdmin(BaseAdmin):
    lifecycle_fields = ("municipality", "facilitators", "is_active")
    actions = (service_action(group_deactivate, arg="group", description=_("End the group")),)
    list_display = ("name", "municipality", "is_active", "member_count", "created_at")
    list_select_related = ("municipality",)
    list_filter = ("is_active", "municipality")
    search_fields = ("name", "municipality__name")
    readonly_fields = ("created_at",)
    inlines = (GroupScheduleInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_members=Count("members"))

    @admin.display(description=_("members"), ordering="_members")
    def member_count(self, obj: NetworkGroup) -> int:
        return obj._members


@admin.register(GroupSchedule)
class GroupScheduleAdmin(BaseAdmin):
    view_only = True
    list_display = ("group", "weekday", "start_time", "duration_minutes", "place", "starts_on")
    list_select_related = ("group__municipality",)
    list_filter = ("weekday", "group__municipality")
    search_fields = ("group__name", "place")


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ("youth", "status", "recorded_at")


@admin.register(Meeting)
class MeetingAdmin(BaseAdmin):
    view_only = True
    list_display = ("group", "starts_at", "ends_at", "place", "status", "moved_from")
    list_select_related = ("group__municipality",)
    list_filter = ("status", "group__municipality")
    search_fields = ("group__name", "place")
    date_hierarchy = "starts_at"
    inlines = (AttendanceInline,)


@admin.register(Attendance)
class AttendanceAdmin(GrowingTableAdmin, BaseAdmin):
    view_only = True
    list_display = ("meeting", "youth", "status", "recorded_at")
    list_select_related = ("meeting__group", "youth")
    # Time is a filter, not a date hierarchy (which reads every row's date on each page).
    list_filter = ("status", "recorded_at")
    search_fields = ("youth__first_name", "meeting__group__name")
