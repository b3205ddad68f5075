"""The conversation between youth and consultants (``domain/models/conversation.py``): view
only. Messages are written by the bot and the youth's page, through the services that audit
them and queue the delivery."""

from django.contrib import admin

from domain.models import YouthMessage

from .base import BaseAdmin


@admin.register(YouthMessage)
class YouthMessageAdmin(BaseAdmin):
    view_only = True
    list_display = ("id", "youth", "direction", "author", "consultant", "created_at")
    list_select_related = ("youth", "author", "consultant__user", "consultant__municipality")
    list_filter = ("direction",)
    search_fields = ("youth__first_name",)
    date_hierarchy = "created_at"
