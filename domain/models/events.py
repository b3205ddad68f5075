"""Match events and who signed up for them (companies, and youth with a waitlist)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .network import Company, Municipality
from .placements import Slot
from .youth import Youth


class MatchEvent(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="events")
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    signup_deadline = models.DateTimeField(_("sign-up deadline"))
    youth_capacity = models.PositiveSmallIntegerField(_("seats for youth"))
    company_capacity = models.PositiveSmallIntegerField(_("seats for companies"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("match event")
        verbose_name_plural = _("match events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(signup_deadline__lte=F("starts_at")), name="event_deadline_before_start"
            ),
            models.CheckConstraint(
                condition=Q(youth_capacity__gte=1), name="event_youth_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(company_capacity__gte=1), name="event_company_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%Y-%m-%d}"


class CompanySignup(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("signed up")
        CANCELLED = "cancelled", pgettext_lazy("sign-up", "cancelled")

    event = models.ForeignKey(MatchEvent, on_delete=models.CASCADE, related_name="company_signups")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="event_signups")
    attendees = models.PositiveSmallIntegerField(_("attendees"), default=1)
    slots = models.ManyToManyField(Slot, blank=True, related_name="event_signups")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    created_at = models.DateTimeField(_("signed up"))
    cancelled_at = models.DateTimeField(
        pgettext_lazy("sign-up", "cancelled"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("company sign-up")
        verbose_name_plural = _("company sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["event", "company"], name="company_signup_once"),
            models.CheckConstraint(
                condition=Q(attendees__gte=1, attendees__lte=20), name="company_signup_attendees"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company.name} @ {self.event.title} ({self.status})"


class YouthSignup(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waitlist")
        CANCELLED = "cancelled", pgettext_lazy("sign-up", "cancelled")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("did not come")

    # States that take one of the event's youth seats.
    SEATED = (Status.CONFIRMED, Status.ATTENDED)

    event = models.ForeignKey(MatchEvent, on_delete=models.CASCADE, related_name="youth_signups")
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="event_signups")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # Arrival order within the event, assigned under the event's lock (waitlist order).
    sequence = models.PositiveIntegerField(_("arrival"))
    created_at = models.DateTimeField(_("signed up"))
    promoted_at = models.DateTimeField(_("promoted from waitlist"), null=True, blank=True)
    cancelled_at = models.DateTimeField(
        pgettext_lazy("sign-up", "cancelled"), null=True, blank=True
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        verbose_name = _("youth sign-up")
        verbose_name_plural = _("youth sign-ups")
        ordering = ["event", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["event", "youth"], name="youth_signup_once"),
            models.UniqueConstraint(fields=["event", "sequence"], name="youth_signup_sequence"),
        ]
        indexes = [models.Index(fields=["event", "status", "sequence"])]

    def __str__(self) -> str:
        return f"youth #{self.youth_id} @ event #{self.event_id} ({self.status})"
