"""The outbox: every message and reminder, to a youth over Telegram or to a portal user by
e-mail, is a row here, sent later by the worker; and each user's e-mail preferences."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .youth import Language, Youth


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
        # Nobody left waiting (domain.services.waiting): to the youth over Telegram
        INTEREST_WAITING = "interest_waiting", _("interest still unanswered")
        INTEREST_CLOSED = "interest_closed", _("interest closed unanswered")
        # E-mail to company members and consultants (placement_approved/_rejected,
        # event_cancelled and interest_closed above are sent to companies too)
        INTEREST_RECEIVED = "interest_received", _("new interest")
        INTEREST_UNANSWERED = "interest_unanswered", _("interest waiting for an answer")
        INTEREST_OVERDUE = "interest_overdue", _("interest left unanswered")
        EVENT_CHANGED = "event_changed", _("match event changed")
        NETWORK_REQUESTED = "network_requested", _("new network request")
        NETWORK_ANSWERED = "network_answered", _("network request answered")
        YOUTH_UNREACHABLE = "youth_unreachable", _("youth unreachable")
        YOUTH_MESSAGE = "youth_message", _("message from a young person")
        PASSWORD_RESET = "password_reset", _("password reset")
        COLLEAGUE_INVITED = "colleague_invited", _("colleague invitation")
        # Asking afterwards (domain.services.followups): to a youth who left, over Telegram
        FOLLOWUP_INVITE = "followup_invite", _("may we ask later?")
        FOLLOWUP_QUESTION = "followup_question", _("follow-up question")
        FOLLOWUP_REMINDER = "followup_reminder", _("follow-up reminder")
        # A consultant writes to a youth (domain.services.conversation)
        CONSULTANT_MESSAGE = "consultant_message", _("message from a consultant")
        # A daily digest (opt-in)
        NEW_SLOTS = "new_slots", _("new placements")

    # What a youth can get over Telegram (bot.delivery renders each of them); the other kinds
    # are e-mails to portal users (portal.emails writes them), and a few kinds are both.
    TELEGRAM_KINDS = (
        Kind.MEETING_REMINDER,
        Kind.EVENT_REMINDER,
        Kind.INTRO_REMINDER,
        Kind.PLACEMENT_START_REMINDER,
        Kind.CHECKIN_PROMPT,
        Kind.INTEREST_ACCEPTED,
        Kind.INTEREST_DECLINED,
        Kind.PLACEMENT_APPROVED,
        Kind.PLACEMENT_REJECTED,
        Kind.WAITLIST_PROMOTED,
        Kind.MEETING_MOVED,
        Kind.MEETING_CANCELLED,
        Kind.EVENT_CANCELLED,
        Kind.INTEREST_WAITING,
        Kind.INTEREST_CLOSED,
        Kind.FOLLOWUP_INVITE,
        Kind.FOLLOWUP_QUESTION,
        Kind.FOLLOWUP_REMINDER,
        Kind.CONSULTANT_MESSAGE,
        Kind.NEW_SLOTS,
    )

    class Channel(models.TextChoices):
        TELEGRAM = "telegram", _("Telegram")
        EMAIL = "email", _("e-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", pgettext_lazy("outbox message", "cancelled")
        SKIPPED = "skipped", _("skipped (quiet hours)")
        # Every try went out and no answer came back: Telegram may well have delivered it, so
        # it is not reported as failed (not received).
        UNKNOWN = "unknown", _("delivery unknown")

    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.TELEGRAM
    )
    # Exactly one recipient: a youth (Telegram) or a portal user (e-mail); see Meta.constraints.
    recipient = models.ForeignKey(
        Youth, on_delete=models.CASCADE, related_name="outbox", null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_outbox",
        null=True,
        blank=True,
        verbose_name=_("user"),
    )
    # An e-mail collected into the user's daily digest (due at the digest hour) rather than
    # sent on its own.
    digest = models.BooleanField(_("in the daily digest"), default=False)
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
            # The admin's list in its order, page after page, without sorting every row.
            models.Index(fields=["due_at", "id"], name="outbox_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(channel="telegram", recipient__isnull=False, user__isnull=True)
                    | Q(channel="email", recipient__isnull=True, user__isnull=False)
                ),
                name="outbox_one_recipient_per_channel",
            ),
        ]

    def __str__(self) -> str:
        to = f"user #{self.user_id}" if self.user_id else f"youth #{self.recipient_id}"
        return f"{self.kind} → {to} at {self.due_at:%Y-%m-%d %H:%M}Z"

    @classmethod
    def subject_filter(cls, obj: models.Model) -> Q:
        return Q(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class EmailPreferences(models.Model):
    """How one portal user wants each kind of e-mail: at once, in a daily digest, or not at all.

    A kind missing from ``modes`` is sent at once. Password resets and invitations are not
    notifications and ignore these preferences."""

    class Mode(models.TextChoices):
        NOW = "now", _("at once")
        DIGEST = "digest", _("in a daily digest")
        OFF = "off", _("off")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DA
    )
    digest_hour = models.PositiveSmallIntegerField(_("digest hour"), default=8)
    modes = models.JSONField(_("per kind"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail preferences")
        verbose_name_plural = _("e-mail preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__lte=23), name="email_preferences_digest_hour"
            )
        ]

    def __str__(self) -> str:
        return f"e-mail preferences of user #{self.user_id}"

    def mode_for(self, kind: str) -> str:
        mode = self.modes.get(kind, self.Mode.NOW)
        return mode if mode in self.Mode.values else self.Mode.NOW
