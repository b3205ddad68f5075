"""Municipalities, sectors, companies, their network memberships, and the staff who log in."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from domain.validators import (
    validate_cvr,
    validate_followup_months,
    validate_postcode,
    validate_reminder_settings,
    validate_timezone,
)

from .outcomes import default_followup_months


def default_reminder_settings() -> dict:
    return {}


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Copenhagen", validators=[validate_timezone]
    )
    # Overrides of domain.services.reminders.DEFAULT_RULES, e.g.
    # {"meeting": [{"days_before": 1, "at": "18:00"}, {"hours_before": 3}]}.
    reminder_settings = models.JSONField(
        _("reminder settings"),
        default=default_reminder_settings,
        blank=True,
        validators=[validate_reminder_settings],
    )
    quiet_hours_start = models.TimeField(_("quiet hours start"), default="21:00")
    quiet_hours_end = models.TimeField(_("quiet hours end"), default="08:00")
    # Nobody left waiting: working days (weekends and Danish public holidays skipped) an
    # interest may wait for the company's answer before the company is reminded, the
    # consultant alerted (and the youth told), and the interest closed.
    answer_reminder_days = models.PositiveSmallIntegerField(
        _("remind the company after (working days)"), default=3
    )
    answer_alert_days = models.PositiveSmallIntegerField(
        _("alert the consultant after (working days)"), default=5
    )
    answer_close_days = models.PositiveSmallIntegerField(
        _("close the interest after (working days)"), default=15
    )
    # When youth who left and accepted are asked how it goes (months after leaving); [] = off.
    followup_months = models.JSONField(
        _("follow-up after (months)"),
        default=default_followup_months,
        blank=True,
        validators=[validate_followup_months],
    )
    # Randomised intake (docs/evaluation.md): referrals are drawn into the NExTWORK arm and
    # usual service at ratio_nextwork : ratio_usual. Set by an admin (``intake_configure``).
    intake_randomised = models.BooleanField(_("randomised intake"), default=False)
    intake_ratio_nextwork = models.PositiveSmallIntegerField(
        _("NExTWORK share of the draw"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    intake_ratio_usual = models.PositiveSmallIntegerField(
        _("usual service share of the draw"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    # The privacy text the bot shows before consent; empty means the standard text.
    privacy_text = models.TextField(_("privacy text"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(intake_ratio_nextwork__gte=1, intake_ratio_nextwork__lte=9)
                & Q(intake_ratio_usual__gte=1, intake_ratio_usual__lte=9),
                name="municipality_intake_ratio_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    """A short reference list (branche), seeded by a data migration; names in both languages."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_da = models.CharField(_("name (Danish)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "da").startswith("en") else self.name_da


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(
        _("CVR number"), max_length=8, unique=True, validators=[MinLengthValidator(8), validate_cvr]
    )
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4, validators=[validate_postcode])
    city = models.CharField(_("city"), max_length=100, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="companies", verbose_name=_("sector")
    )
    municipalities = models.ManyToManyField(
        Municipality, through="NetworkMembership", related_name="companies", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cvr__regex=r"^[1-9][0-9]{7}$"), name="company_cvr_8_digits"
            ),
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[0-9]{4}$"), name="company_postcode_4_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.cvr})"


class NetworkMembershipQuerySet(models.QuerySet):
    """The one home of the rule "an accepted member of this municipality's network": a pending
    or rejected request gives a company no place in a network, so every layer asks here."""

    def accepted(self) -> "NetworkMembershipQuerySet":
        return self.filter(status=NetworkMembership.Status.ACCEPTED)

    def company_ids_in(self, municipality_id: int) -> models.QuerySet:
        """The companies in the municipality's network, as an IN subquery of ``company_id``."""
        return self.accepted().filter(municipality_id=municipality_id).values("company_id")

    def municipality_ids_of(self, company_id: int) -> models.QuerySet:
        """The municipalities whose network the company is in, as ``municipality_id`` values."""
        return self.accepted().filter(company_id=company_id).values("municipality_id")


class NetworkMembership(models.Model):
    """A company's request to join, and membership of, one municipality's network."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NetworkMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "municipality"], name="membership_one_per_company_municipality"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company.name} → {self.municipality.name} ({self.status})"

    @property
    def is_accepted(self) -> bool:
        """The rule of ``NetworkMembershipQuerySet.accepted`` for a row already loaded."""
        return self.status == NetworkMembership.Status.ACCEPTED


class CompanyMember(models.Model):
    """A portal user who acts for one company."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_member"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    is_company_admin = models.BooleanField(_("may invite colleagues"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("company member")
        verbose_name_plural = _("company members")

    def __str__(self) -> str:
        return f"{self.user.get_username()} @ {self.company.name}"


class Consultant(models.Model):
    """Municipal staff: belongs to one municipality and sees only it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultant"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="consultants"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultant")
        verbose_name_plural = _("consultants")

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.municipality.name})"
