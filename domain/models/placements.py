"""Slots companies post, the interest youth show, the placements that follow, and follow-up."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .network import Company, Municipality, Sector
from .outcomes import PlacementOutcome
from .youth import Youth

MAX_HOURS_PER_WEEK = 37  # a Danish full-time week


class Slot(models.Model):
    class Kind(models.TextChoices):
        INTERNSHIP = "internship", _("internship")
        PAID_HOURS = "paid_hours", _("paid hours")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        PAUSED = "paused", _("paused")
        CLOSED = "closed", _("closed")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="slots")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="slots")
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    hours_min = models.PositiveSmallIntegerField(_("hours per week, minimum"))
    hours_max = models.PositiveSmallIntegerField(_("hours per week, maximum"))
    earliest_start = models.DateField(_("earliest start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="draft")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours_min__gte=1), name="slot_hours_min_positive"),
            models.CheckConstraint(
                condition=Q(hours_max__lte=MAX_HOURS_PER_WEEK), name="slot_hours_max_full_time"
            ),
            models.CheckConstraint(
                condition=Q(hours_min__lte=F("hours_max")), name="slot_hours_min_le_max"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="slot_seats_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("earliest_start")),
                name="slot_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[0-9]{4}$"), name="slot_postcode_4_digits"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "sector"]),
            models.Index(fields=["company", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.company.name})"


class Interest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the company")
        ACCEPTED = "company_accepted", _("accepted by the company")
        DECLINED = "company_declined", _("declined by the company")
        WITHDRAWN = "withdrawn", _("withdrawn")
        # Closed by itself after the municipality's lead time without an answer
        # (domain.services.waiting).
        EXPIRED = "expired", _("closed without an answer")

    LIVE = (Status.PENDING, Status.ACCEPTED)

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="interests")
    # The youth's municipality, copied onto the row so that a municipality's reads (dashboard,
    # statistics, CSV, the API list) walk an index of their own instead of the national table.
    # A youth never changes municipality, so the copy made by interest_show stays true
    # (docs/scaling.md).
    # No index of its own: (municipality, -created_at, -id) below serves every read by it.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="interests")
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    intro_meeting_at = models.DateTimeField(_("intro meeting"), null=True, blank=True)
    intro_meeting_place = models.CharField(_("intro meeting place"), max_length=200, blank=True)
    # The youth's "I can't come" to the intro meeting at its current time (moving it clears it).
    intro_cant_come_at = models.DateTimeField(
        _("youth can't come to the intro meeting"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Nobody left waiting: when the consultant was alerted that the company has not answered
    # (the dashboard lists these), and when the youth chose to keep waiting.
    overdue_at = models.DateTimeField(_("consultant alerted"), null=True, blank=True)
    keep_waiting_at = models.DateTimeField(_("youth keeps waiting"), null=True, blank=True)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["youth", "slot"],
                condition=Q(status__in=["pending", "company_accepted"]),
                name="interest_one_live_per_youth_slot",
            ),
            models.CheckConstraint(
                condition=~Q(status="company_accepted") | Q(intro_meeting_at__isnull=False),
                name="interest_accepted_has_intro_meeting",
            ),
        ]
        indexes = [
            # The municipality's lists, newest first; its counts by status and a period's
            # interests read the same index by its first column (docs/scaling.md).
            models.Index(
                fields=["municipality", "-created_at", "-id"], name="interest_muni_newest"
            ),
        ]

    def __str__(self) -> str:
        return f"interest #{self.pk}: youth #{self.youth_id} → slot #{self.slot_id} ({self.status})"


class Placement(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")
        ENDED_EARLY = "ended_early", _("ended early")
        # Beyond the programme's own list (docs/domain.md): the youth withdrew before the start
        # (the interest may be withdrawn "any time before a placement starts"), so the seat is
        # freed.
        WITHDRAWN = "withdrawn", _("withdrawn")

    # Placements that hold one of the slot's seats.
    SEATED = (Status.APPROVED, Status.ACTIVE)
    # Placements still going somewhere: at most one per youth and slot.
    LIVE = (Status.PROPOSED, Status.APPROVED, Status.ACTIVE)

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="placements")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="placements")
    interest = models.ForeignKey(
        Interest, on_delete=models.SET_NULL, null=True, blank=True, related_name="placements"
    )
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    reject_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=500, blank=True)
    # Did it lead to a job offer or paid hours at the company? Blank: not recorded (yet).
    outcome = models.CharField(
        _("led to"), max_length=12, choices=PlacementOutcome.choices, blank=True
    )
    # The placement this one replaced when the youth switched company.
    previous = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=1, hours_per_week__lte=MAX_HOURS_PER_WEEK),
                name="placement_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["youth", "slot"],
                condition=Q(status__in=["proposed", "approved", "active"]),
                name="placement_one_live_per_youth_slot",
            ),
            models.UniqueConstraint(
                fields=["youth"],
                condition=Q(status="active"),
                name="placement_one_active_per_youth",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="placement_rejection_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["slot", "status"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return (
            f"placement #{self.pk}: youth #{self.youth_id} @ slot #{self.slot_id} ({self.status})"
        )


class CheckIn(models.Model):
    """The youth's weekly "how was this week?" during an active placement."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checkins")
    week = models.DateField(_("week (Monday)"))
    score = models.PositiveSmallIntegerField(_("score"))
    text = models.CharField(_("a sentence"), max_length=500, blank=True)
    # May the sentence be shown, anonymised, to other youth browsing this company?
    shared = models.BooleanField(_("shared anonymously"), default=False)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-week", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="checkin_score_1_to_5"
            ),
            models.UniqueConstraint(fields=["placement", "week"], name="checkin_one_per_week"),
        ]

    def __str__(self) -> str:
        return f"check-in {self.week} on placement #{self.placement_id}: {self.score}"


class FollowUpNote(models.Model):
    """A consultant's private note. Never shown to companies or youth."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("note"), max_length=5000)
    met_workplace_contact = models.BooleanField(_("met the workplace contact"), default=False)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note #{self.pk} on placement #{self.placement_id}"
