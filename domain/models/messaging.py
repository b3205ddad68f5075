"""The outbox: every message and reminder to a youth is a row here, sent later by the worker."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .youth import Youth


class OutboxMessage(models.Model):
    class Kind(models.TextChoices):
        # Reminders (timed before their object)
        MEETING_REMINDER = "meeting_reminder", _("group meeting reminder")
        EVENT_REMINDER = "event_reminder", _("match event reminder")
        INTRO_REMINDER = "intro_reminder", _("intro meeting reminder")
        PLACEMENT_START_REMINDER = "placement_start_reminder", _("placement start reminder")
        CHECKIN_PROMPT = "checkin_prompt", _("weekly check-in")
        # Pushed messages (due at once)
        INTEREST_ACCEPTED = "interest_accepted", _("company accepted interest")
        INTEREST_DECLINED = "interest_declined", _("company declined interest")
        PLACEMENT_APPROVED = "placement_approved", _("placement approved")
        PLACEMENT_REJECTED = "placement_rejected", _("placement rejected")
        WAITLIST_PROMOTED = "waitlist_promoted", _("promoted from waitlist")
        MEETING_MOVED = "meeting_moved", _("meeting moved")
        MEETING_CANCELLED = "meeting_cancelled", _("meeting cancelled")
        EVENT_CANCELLED = "event_cancelled", _("match event cancelled")
        # A daily digest (opt-in)
        NEW_SLOTS = "new_slots", _("new placements")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", pgettext_lazy("outbox message", "cancelled")
        SKIPPED = "skipped", _("skipped (quiet hours)")

    recipient = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="outbox")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # The object the message is about (meeting, event, interest, placement, sign-up).
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    # What the renderer needs besides the object (e.g. the old time of a moved meeting).
    payload = models.JSONField(default=dict, blank=True)
    # Idempotency: a rule generates the same key for the same reminder, so re-running the
    # scheduler updates rows instead of adding them.
    dedupe_key = models.CharField(max_length=200, unique=True)
    due_at = models.DateTimeField(_("due"))
    # After this the message is no longer useful (e.g. the meeting has begun).
    expires_at = models.DateTimeField(_("useless after"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Lease: a worker that claimed the row owns it until this time, then anyone may retry.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    telegram_message_id = models.BigIntegerField(null=True, blank=True)
    # Set just before a worker hands the message to Telegram, cleared when the attempt is known
    # to have failed: a row found pending with it set had an attempt whose outcome is unknown
    # (the worker died mid-send, or Telegram timed out), so sending it again may duplicate it.
    send_started_at = models.DateTimeField(_("send started"), null=True, blank=True)
    possible_duplicates = models.PositiveSmallIntegerField(
        _("possible duplicates"),
        default=0,
        help_text=_("Times sent again after an attempt whose outcome was unknown."),
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(status="pending"), name="outbox_pending_due"
            ),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → youth #{self.recipient_id} at {self.due_at:%Y-%m-%d %H:%M}Z"

    @classmethod
    def subject_filter(cls, obj: models.Model) -> Q:
        return Q(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
