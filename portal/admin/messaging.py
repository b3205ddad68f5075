"""The outbox and the "Delivery queue" page (``domain/models/messaging.py``)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from domain.models import EmailPreferences, OutboxMessage
from domain.selectors.outbox import outbox_queue_summary
from domain.services.outbox import outbox_retime

from .base import BaseAdmin, GrowingTableAdmin


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
    (_("Delivery unknown (sent, no answer: may have arrived)"), ("delivery_unknown",)),
    (_("Failed (not received)"), ("failed", "total")),
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
    (pgettext_lazy("outbox message", "Cancelled"), ("cancelled",)),
    (_("Possible duplicates"), ("possible_duplicates",)),
    (_("Oldest due message waiting (seconds)"), ("lag_seconds",)),
    (_("Young people the bot cannot reach"), ("unreachable_youth",)),
)


def _queue_value(block: dict, keys: tuple[str, ...]) -> object:
    for key in keys:
        block = block[key]
    return "–" if block is None else block


@admin.register(OutboxMessage)
class OutboxMessageAdmin(GrowingTableAdmin, BaseAdmin):
    """Messages are written by services and delivered by the worker.

    The admin may move a message's time or expiry by hand; its delivery state stays the
    worker's, so a superuser cannot fake a sent or failed message. The "Delivery queue" page
    (linked from the list) sums the queue up per municipality.
    """

    list_display = (
        "kind",
        "channel",
        "recipient",
        "user",
        "subject",
        "status",
        "due_at",
        "attempts",
        "sent_at",
        "possible_duplicates",
        "last_error",
    )
    list_select_related = ("recipient", "user", "content_type")
    # Time is a filter, not a date hierarchy: the hierarchy reads every row's date on each
    # page to draw its links.
    list_filter = ("status", DeliveryFilter, "channel", "kind", "recipient__municipality", "due_at")
    search_fields = ("dedupe_key", "recipient__first_name", "user__username", "last_error")
    fields = (
        "channel",
        "recipient",
        "user",
        "digest",
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
        "channel",
        "recipient",
        "user",
        "digest",
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

    def save_model(self, request: HttpRequest, obj: OutboxMessage, form, change: bool) -> None:
        """Through the outbox's service, which writes only the times: a plain save would write
        back a delivery state the worker may have changed since the page was read."""
        outbox_retime(message_id=obj.pk, due_at=obj.due_at, expires_at=obj.expires_at)

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


@admin.register(EmailPreferences)
class EmailPreferencesAdmin(BaseAdmin):
    """What each portal user chose for their e-mails; they change it themselves on the portal's
    preferences page (``email_preferences_save`` re-times what waits for their digest)."""

    fields = ("user", "language", "digest_hour", "modes", "updated_at")
    list_display = ("user", "language", "digest_hour", "updated_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    view_only = True
