"""Calendar feeds (``domain/models/calendar.py``)."""

from django.contrib import admin

from domain.models import CalendarFeed

from .base import BaseAdmin


@admin.register(CalendarFeed)
class CalendarFeedAdmin(BaseAdmin):
    """Which users have a calendar feed. The token is handed out once by the calendar service;
    the admin never shows its hash (the user turns the feed off or renews it themselves)."""

    fields = ("user", "created_at")
    list_display = ("user", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    view_only = True
