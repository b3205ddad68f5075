"""Randomised intake: referred young people registered with the minimum, and the draws that
assign them to the NExTWORK arm or to usual service (docs/evaluation.md, "Randomised intake").

A draw is final. The database refuses to change a drawn referral's arm or draw, and a draw's
seed and ratio (triggers in the migration, on PostgreSQL); no service, admin page or API
writes them after the draw.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from domain.validators import AGE_BANDS

from .network import Municipality
from .youth import Youth


class Arm(models.TextChoices):
    NEXTWORK = "nextwork", _("NExTWORK")
    USUAL = "usual", _("usual service")


class AgeBand(models.TextChoices):
    """The trial's strata (``domain.validators.AGE_BANDS``)."""

    BAND_15_17 = AGE_BANDS[0][0], AGE_BANDS[0][0]
    BAND_18_24 = AGE_BANDS[1][0], AGE_BANDS[1][0]
    BAND_25_29 = AGE_BANDS[2][0], AGE_BANDS[2][0]


class Draw(models.Model):
    """One draw of a municipality: every referral not yet drawn, assigned at once. The arms
    follow from the seed, the referrals' ids and the ratio (``domain.services.intake
    .assign_arms``), so the draw can be recomputed from what is stored here."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="draws")
    # 128 random bits from ``secrets``, as hex.
    seed = models.CharField(_("seed"), max_length=64)
    ratio_nextwork = models.PositiveSmallIntegerField(_("NExTWORK share"))
    ratio_usual = models.PositiveSmallIntegerField(_("usual service share"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    drawn_at = models.DateTimeField(_("drawn"))

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["-drawn_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ratio_nextwork__gte=1) & Q(ratio_usual__gte=1),
                name="draw_ratio_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"draw #{self.pk} ({self.municipality_id})"


class Referral(models.Model):
    """A young person referred to the programme, with the minimum: the municipality's own case
    reference (never a name, never a CPR number), the birth year and the referral date.

    Erasure (with the youth, or on the retention schedule) empties the reference and the birth
    year and keeps the month: the arm, the age band and the municipality stay for the counts.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="referrals"
    )
    reference = models.CharField(_("case reference"), max_length=40, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices)
    referral_date = models.DateField(_("referral date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    draw = models.ForeignKey(
        Draw,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("draw"),
    )
    arm = models.CharField(_("arm"), max_length=8, choices=Arm.choices, blank=True)
    youth = models.OneToOneField(
        Youth,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
        verbose_name=_("young person"),
    )
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["referral_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"],
                condition=~Q(reference=""),
                name="referral_reference_unique_per_municipality",
            ),
            models.CheckConstraint(
                condition=(Q(draw__isnull=True) & Q(arm=""))
                | (Q(draw__isnull=False) & Q(arm__in=Arm.values)),
                name="referral_arm_with_its_draw",
            ),
            # The usual-service arm is never invited: only a NExTWORK referral has a youth.
            models.CheckConstraint(
                condition=Q(youth__isnull=True) | Q(arm=Arm.NEXTWORK),
                name="referral_youth_only_in_nextwork_arm",
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=False)
                | (~Q(reference="") & Q(birth_year__isnull=False)),
                name="referral_reference_unless_erased",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "draw"])]

    def __str__(self) -> str:
        return f"referral #{self.pk}"
