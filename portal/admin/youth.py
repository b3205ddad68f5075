"""Youth and their invites (``domain/models/youth.py``)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain.models import Invite, Youth
from domain.services.youth import youth_pause, youth_resume

from .base import BaseAdmin, service_action


class UnreachableFilter(admin.SimpleListFilter):
    """Youth whom Telegram refused (403: they blocked the bot or deleted their account)."""

    title = _("reachable on Telegram")
    parameter_name = "unreachable"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return (("yes", _("the bot cannot reach them")), ("no", _("reachable")))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(unreachable_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(unreachable_at__isnull=True)
        return queryset


@admin.register(Youth)
class YouthAdmin(BaseAdmin):
    # Names are checked for CPR numbers, ages for 15–29, and every change is audited: that is
    # youth_update's job (the portal), so the admin only shows the record and pauses/resumes.
    view_only = True
    actions = (
        service_action(youth_pause, arg="youth", description=_("Pause")),
        service_action(youth_resume, arg="youth", description=_("Resume")),
    )
    list_display = (
        "first_name",
        "last_name",
        "municipality",
        "status",
        "group",
        "contact_consultant",
        "is_linked",
        "has_consent",
        "created_at",
    )
    list_select_related = (
        "municipality",
        "group__municipality",
        "contact_consultant__user",
        "contact_consultant__municipality",
    )
    list_filter = ("status", "municipality", UnreachableFilter, "language", "reminders_enabled")
    search_fields = ("first_name", "last_name", "telegram_username")
    date_hierarchy = "created_at"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "municipality",
                    "first_name",
                    "last_name",
                    "birth_date",
                    "language",
                    "status",
                    "contact_consultant",
                    "group",
                )
            },
        ),
        (_("Wishes"), {"fields": ("sectors", "preferred_hours", "reminders_enabled")}),
        (
            _("Telegram"),
            {
                "fields": (
                    "telegram_user_id",
                    "telegram_chat_id",
                    "telegram_username",
                    "unreachable_at",
                )
            },
        ),
        (_("Consent"), {"fields": ("consent_version", "consent_at", "share_experiences")}),
        (
            _("Lifecycle"),
            {
                "fields": (
                    "created_at",
                    "left_at",
                    "destination",
                    "destination_date",
                    "former_group",
                    "erased_at",
                )
            },
        ),
    )

    @admin.display(boolean=True, description=_("linked"))
    def is_linked(self, obj: Youth) -> bool:
        return obj.is_linked

    @admin.display(boolean=True, description=_("consent"))
    def has_consent(self, obj: Youth) -> bool:
        return obj.has_consent


@admin.register(Invite)
class InviteAdmin(BaseAdmin):
    """Invites are made by the invite service, which hands out the token once.

    The admin cannot add one (it could not tell anyone the token) and never shows the hash.
    """

    fields = (
        "youth",
        "created_by",
        "created_at",
        "expires_at",
        "used_at",
        "used_by_telegram_id",
        "revoked_at",
    )
    list_display = ("id", "youth", "state", "created_at", "expires_at", "used_at", "revoked_at")
    list_select_related = ("youth",)
    search_fields = ("youth__first_name", "youth__last_name")
    date_hierarchy = "created_at"
    # Only expiry and revocation may be changed by hand.
    readonly_fields = ("youth", "created_by", "created_at", "used_at", "used_by_telegram_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("state"))
    def state(self, obj: Invite) -> str:
        if obj.used_at:
            return _("used")
        if obj.revoked_at:
            return _("revoked")
        if obj.expires_at <= timezone.now():
            return _("expired")
        return _("valid")
