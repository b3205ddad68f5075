"""Young people and the invites that link their Telegram account.

Data minimisation: no CPR number and no health information is ever stored here.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .network import Consultant, Municipality, Sector
from .outcomes import Destination


class Language(models.TextChoices):
    DA = "da", _("Danish")
    EN = "en", _("English")


class Youth(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        LEFT = "left", _("left")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="youth")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    # Null only after erasure.
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DA
    )
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="+", verbose_name=_("sectors")
    )
    preferred_hours = models.PositiveSmallIntegerField(
        _("preferred hours/week"), null=True, blank=True
    )
    contact_consultant = models.ForeignKey(
        Consultant, on_delete=models.SET_NULL, null=True, blank=True, related_name="youth"
    )
    group = models.ForeignKey(
        "portal.NetworkGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("network group"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    reminders_enabled = models.BooleanField(_("reminders on"), default=True)
    # Opt-in: at most one message a day about newly published slots that suit the youth.
    slot_alerts = models.BooleanField(_("new placements by message"), default=False)

    telegram_user_id = models.BigIntegerField(_("Telegram user id"), null=True, blank=True)
    telegram_chat_id = models.BigIntegerField(_("Telegram chat id"), null=True, blank=True)
    telegram_username = models.CharField(_("Telegram username"), max_length=64, blank=True)
    # Set when Telegram answered 403 (blocked / deactivated); shown to the consultant.
    unreachable_at = models.DateTimeField(_("unreachable since"), null=True, blank=True)

    consent_version = models.CharField(_("consent version"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    # Optional processing: may anonymised check-in sentences be shown to other youth?
    share_experiences = models.BooleanField(_("share check-in sentences"), default=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    # Where they went when they left (docs/evaluation.md): a category and a date, never free
    # text, so it is kept after erasure for the counts.
    destination = models.CharField(
        _("destination"), max_length=16, choices=Destination.choices, blank=True
    )
    destination_date = models.DateField(_("destination from"), null=True, blank=True)
    # Asking afterwards: its own consent (purpose and version), given with one button when they
    # leave, and the chat to ask in (kept after leaving only for this; cleared on erasure).
    followup_consent_version = models.CharField(
        _("follow-up consent version"), max_length=20, blank=True
    )
    followup_consent_at = models.DateTimeField(_("follow-up consent given"), null=True, blank=True)
    followup_chat_id = models.BigIntegerField(_("follow-up chat"), null=True, blank=True)
    # The group they belonged to when they left (measures by group and facilitator).
    former_group = models.ForeignKey(
        "portal.NetworkGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="former_members",
        verbose_name=_("group when leaving"),
    )

    class Meta:
        verbose_name = _("young person")
        verbose_name_plural = _("young people")
        ordering = ["first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["telegram_user_id"],
                condition=Q(telegram_user_id__isnull=False),
                name="youth_one_record_per_telegram_user",
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=False) | Q(birth_date__isnull=False),
                name="youth_birth_date_unless_erased",
            ),
            models.CheckConstraint(
                condition=Q(preferred_hours__isnull=True)
                | Q(preferred_hours__gte=1, preferred_hours__lte=37),
                name="youth_preferred_hours_range",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return f"{self.first_name} #{self.pk}" if not self.erased_at else f"(erased) #{self.pk}"

    @property
    def has_consent(self) -> bool:
        return self.consent_at is not None

    @property
    def is_linked(self) -> bool:
        return self.telegram_user_id is not None


class Invite(models.Model):
    """A single-use, expiring deep-link token. Only its SHA-256 is stored."""

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by_telegram_id = models.BigIntegerField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invite")
        verbose_name_plural = _("invites")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(used_by_telegram_id__isnull=False),
                name="invite_used_has_telegram_id",
            ),
        ]

    def __str__(self) -> str:
        return f"invite #{self.pk} for youth #{self.youth_id}"
