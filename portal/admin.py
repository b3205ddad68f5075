"""The Django admin: a superuser's window on every table.

Rows with a life of their own (interests, placements, sign-ups, …) are born and moved only by the
services, which check seats and consent, write the audit entry and tell the people concerned; so
the admin cannot add or delete them, shows their states read-only, and offers the transitions as
actions that call the same services. Change lists select their related rows up front so they cost
the same few queries for 1 or 1,000 rows; audit entries are read-only for everyone, and invite
tokens (only their hash is stored) are never shown.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from domain.exceptions import DomainError
from domain.models import (
    Attendance,
    AuditEntry,
    CalendarFeed,
    CheckIn,
    Company,
    CompanyMember,
    CompanySignup,
    Consultant,
    FollowUpNote,
    GroupSchedule,
    Interest,
    Invite,
    MatchEvent,
    Meeting,
    Municipality,
    NetworkGroup,
    NetworkMembership,
    OutboxMessage,
    Placement,
    Sector,
    Slot,
    Youth,
    YouthSignup,
)
from domain.selectors.events import seats_taken_count
from domain.selectors.outbox import outbox_queue_summary
from domain.services import events as event_services
from domain.services.groups import group_deactivate
from domain.services.network import membership_accept
from domain.services.placements import placement_approve, placement_complete, placement_start
from domain.services.reminders import reminders_sync_municipality
from domain.services.slots import slot_close, slot_pause, slot_publish, slot_resume
from domain.services.youth import youth_pause, youth_resume

admin.site.site_header = _("NExTWORK administration")
admin.site.site_title = _("NExTWORK administration")
admin.site.index_title = _("Tables")

# A municipality's fields that decide when its reminders fall.
REMINDER_FIELDS = {"reminder_settings", "quiet_hours_start", "quiet_hours_end", "timezone"}


class BaseAdmin(admin.ModelAdmin):
    """Service-born rows by default: no add, no delete, lifecycle fields read-only."""

    list_per_page = 50
    #: Rows a service creates (it validates, locks, audits and tells people); False for plain
    #: reference data a superuser may add by hand.
    created_by_services = True
    #: Fields only a service may change (states, decisions, links, identity).
    lifecycle_fields: tuple[str, ...] = ()
    #: Every field is lifecycle: the page shows the row, the actions move it.
    view_only = False

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None):
        return (*super().get_readonly_fields(request, obj), *self.lifecycle_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self.created_by_services and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return not self.created_by_services and super().has_delete_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return not self.view_only and super().has_change_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """Related rows shown on their parent's page; changed only through their own services."""

    extra = 0

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None):
        return self.fields or ()

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


def service_action(service: Callable[..., object], *, arg: str, description: str):
    """An admin action that runs ``service(<arg>=row, actor=request.user)`` for each selected
    row and reports every refusal with the service's own message."""

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for obj in queryset:
            try:
                service(**{arg: obj}, actor=request.user)
            except DomainError as error:
                modeladmin.message_user(request, f"{obj}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request,
                ngettext("%(count)d row done.", "%(count)d rows done.", done) % {"count": done},
                messages.SUCCESS,
            )

    action.__name__ = service.__name__  # the action's key in the form; unique per service
    return admin.action(description=description)(action)


# --- Network: municipalities, sectors, companies and the people who log in ----------------------


@admin.register(Municipality)
class MunicipalityAdmin(BaseAdmin):
    created_by_services = False  # reference data
    list_display = (
        "name",
        "slug",
        "timezone",
        "quiet_hours_start",
        "quiet_hours_end",
        "created_at",
    )
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at",)

    def save_model(self, request: HttpRequest, obj: Municipality, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Reminders already waiting keep the times they were given: re-derive them under the
        # new lead times, quiet hours or time zone.
        if change and set(form.changed_data) & REMINDER_FIELDS:
            reminders_sync_municipality(obj)


@admin.register(Sector)
class SectorAdmin(BaseAdmin):
    created_by_services = False  # reference data
    list_display = ("code", "name_da", "name_en", "ordering")
    search_fields = ("code", "name_da", "name_en")
    ordering = ("ordering", "code")


class NetworkMembershipInline(ReadOnlyInline):
    model = NetworkMembership
    fields = ("municipality", "status", "reason", "requested_at", "decided_at", "decided_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("company", "municipality")


class CompanyMemberInline(ReadOnlyInline):
    model = CompanyMember
    fields = ("user", "is_company_admin", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user", "company")


@admin.register(Company)
class CompanyAdmin(BaseAdmin):
    list_display = ("name", "cvr", "postcode", "city", "sector", "created_at")
    list_select_related = ("sector",)
    list_filter = ("sector", "municipalities")
    search_fields = ("name", "cvr", "city", "postcode")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("sector",)
    inlines = (NetworkMembershipInline, CompanyMemberInline)


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(BaseAdmin):
    view_only = True
    actions = (
        service_action(
            membership_accept, arg="membership", description=_("Accept into the network")
        ),
    )
    list_display = ("company", "municipality", "status", "requested_at", "decided_at")
    list_select_related = ("company", "municipality")
    list_filter = ("status", "municipality")
    search_fields = ("company__name", "company__cvr", "municipality__name")
    date_hierarchy = "requested_at"


@admin.register(CompanyMember)
class CompanyMemberAdmin(BaseAdmin):
    view_only = True  # who may act for a company is a permission: audited services only
    list_display = ("user", "company", "is_company_admin", "created_at")
    list_select_related = ("user", "company")
    list_filter = ("is_company_admin",)
    search_fields = ("user__username", "user__email", "user__first_name", "company__name")


@admin.register(Consultant)
class ConsultantAdmin(BaseAdmin):
    lifecycle_fields = ("user", "municipality")  # consultant_create / consultant_move
    list_display = ("__str__", "user", "municipality", "phone", "created_at")
    list_select_related = ("user", "municipality")
    list_filter = ("municipality",)
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    readonly_fields = ("created_at",)


# --- Youth and their invites --------------------------------------------------------------------


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
        (_("Lifecycle"), {"fields": ("created_at", "left_at", "erased_at")}),
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


# --- Slots, interest, placements and follow-up --------------------------------------------------


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
        return (
            super()
            .get_queryset(request)
            .annotate(
                _seats_taken=Count("placements", filter=Q(placements__status__in=Placement.SEATED))
            )
        )

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


# --- Network groups and their meetings ----------------------------------------------------------


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
class AttendanceAdmin(BaseAdmin):
    view_only = True
    list_display = ("meeting", "youth", "status", "recorded_at")
    list_select_related = ("meeting__group", "youth")
    list_filter = ("status",)
    search_fields = ("youth__first_name", "meeting__group__name")
    date_hierarchy = "recorded_at"


# --- Match events and sign-ups ------------------------------------------------------------------


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


# --- Messaging and the audit trail --------------------------------------------------------------


class DeliveryFilter(admin.SimpleListFilter):
    """Pending rows as the worker leaves them: claimed by a worker now, or waiting for a retry
    time (see worker/loop.py)."""

    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin):
        return (("sending", _("being sent")), ("retry", _("waiting to retry")))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        pending = queryset.filter(
            status=OutboxMessage.Status.PENDING, claimed_until__gt=timezone.now()
        )
        if self.value() == "sending":
            return pending.exclude(claimed_by="")
        if self.value() == "retry":
            # Late rows held back for the night wait for the morning, not for a retry.
            return pending.filter(claimed_by="").exclude(last_error__startswith="quiet hours")
        return queryset


# The delivery queue page: (label, path into a block of outbox_queue_summary).
QUEUE_ROWS = (
    (_("Due now"), ("due_now",)),
    (_("Being sent"), ("being_sent",)),
    (_("Waiting to retry"), ("waiting_retry",)),
    (_("Held until quiet hours end"), ("held_quiet_hours",)),
    (_("Scheduled later"), ("scheduled_later",)),
    (_("Sent in the last 24 hours"), ("sent_last_24h",)),
    (_("Sent, all time"), ("sent_total",)),
    (_("Failed"), ("failed", "total")),
    (_("– blocked or deactivated (403)"), ("failed", "forbidden")),
    (_("– refused by Telegram (400)"), ("failed", "bad_request")),
    (_("– gave up after retries"), ("failed", "gave_up")),
    (_("– other"), ("failed", "other")),
    (_("Skipped"), ("skipped", "total")),
    (_("– quiet hours"), ("skipped", "quiet_hours")),
    (_("– already past"), ("skipped", "already_past")),
    (_("– expired before sending"), ("skipped", "expired")),
    (_("– overdue"), ("skipped", "overdue")),
    (_("– other"), ("skipped", "other")),
    (_("Cancelled"), ("cancelled",)),
    (_("Possible duplicates"), ("possible_duplicates",)),
    (_("Oldest due message waiting (seconds)"), ("lag_seconds",)),
    (_("Young people the bot cannot reach"), ("unreachable_youth",)),
)


def _queue_value(block: dict, keys: tuple[str, ...]) -> object:
    for key in keys:
        block = block[key]
    return "–" if block is None else block


@admin.register(OutboxMessage)
class OutboxMessageAdmin(BaseAdmin):
    """Messages are written by services and delivered by the worker.

    The admin may move a message's time or expiry by hand; its delivery state stays the
    worker's, so a superuser cannot fake a sent or failed message. The "Delivery queue" page
    (linked from the list) sums the queue up per municipality.
    """

    list_display = (
        "kind",
        "recipient",
        "subject",
        "status",
        "due_at",
        "attempts",
        "sent_at",
        "possible_duplicates",
        "last_error",
    )
    list_select_related = ("recipient", "content_type")
    list_filter = ("status", DeliveryFilter, "kind", "recipient__municipality")
    search_fields = ("dedupe_key", "recipient__first_name", "last_error")
    date_hierarchy = "due_at"
    show_full_result_count = False
    fields = (
        "recipient",
        "kind",
        "content_type",
        "object_id",
        "payload",
        "dedupe_key",
        "due_at",
        "expires_at",
        "status",
        "attempts",
        "claimed_until",
        "claimed_by",
        "send_started_at",
        "sent_at",
        "telegram_message_id",
        "possible_duplicates",
        "last_error",
        "created_at",
        "updated_at",
    )
    readonly_fields = (
        "recipient",
        "kind",
        "content_type",
        "object_id",
        "payload",
        "dedupe_key",
        "status",
        "attempts",
        "claimed_until",
        "claimed_by",
        "send_started_at",
        "sent_at",
        "telegram_message_id",
        "possible_duplicates",
        "last_error",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("about"))
    def subject(self, obj: OutboxMessage) -> str:
        if obj.content_type is None:
            return "-"
        return f"{obj.content_type.model} #{obj.object_id}"

    def get_urls(self):
        queue = path(
            "queue/",
            self.admin_site.admin_view(self.queue_view),
            name="portal_outboxmessage_queue",
        )
        return [queue, *super().get_urls()]

    def queue_view(self, request: HttpRequest) -> HttpResponse:
        """The delivery queue: the same summary as ``manage.py outbox_status``."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        summary = outbox_queue_summary()
        blocks = [*summary["municipalities"], {"name": _("All"), **summary["overall"]}]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Delivery queue"),
            "opts": self.model._meta,
            "summary": summary,
            "columns": [block["name"] for block in blocks],
            "rows": [
                (label, [_queue_value(block, keys) for block in blocks])
                for label, keys in QUEUE_ROWS
            ],
        }
        return TemplateResponse(request, "admin/portal/outboxmessage/queue.html", context)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail: readable, never writable, not even by a superuser."""

    list_display = (
        "created_at",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "municipality",
    )
    list_select_related = ("municipality",)
    list_filter = ("action", "target_type", "municipality")
    search_fields = ("action", "actor_label", "target_type")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


# --- Calendar feeds (appended with the portal's company pages) ----------------------------------


@admin.register(CalendarFeed)
class CalendarFeedAdmin(BaseAdmin):
    """Which users have a calendar feed. The token is handed out once by the calendar service;
    the admin never shows its hash (the user turns the feed off or renews it themselves)."""

    fields = ("user", "created_at")
    list_display = ("user", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    view_only = True
