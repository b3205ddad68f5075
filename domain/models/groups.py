"""Network groups, their weekly schedule, the meetings it generates, and attendance."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .network import Consultant, Municipality
from .youth import Youth

GROUP_SIZE_MIN = 6
GROUP_SIZE_MAX = 12


class NetworkGroup(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(_("name"), max_length=100)
    facilitators = models.ManyToManyField(
        Consultant, blank=True, related_name="groups", verbose_name=_("facilitators")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("network group")
        verbose_name_plural = _("network groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="group_name_unique_in_municipality"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"


class GroupSchedule(models.Model):
    """A weekly slot in local time; meetings are generated from it (DST-correct)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    group = models.ForeignKey(NetworkGroup, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("time (local)"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    place = models.CharField(_("place"), max_length=200)
    starts_on = models.DateField(_("first week"))
    ends_on = models.DateField(_("last week"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly schedule")
        verbose_name_plural = _("weekly schedules")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="schedule_weekday_0_6"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="schedule_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="schedule_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group.name}: {self.get_weekday_display()} {self.start_time:%H:%M}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    group = models.ForeignKey(NetworkGroup, on_delete=models.CASCADE, related_name="meetings")
    schedule = models.ForeignKey(
        GroupSchedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    # The local date the schedule generated this meeting for; keeps generation idempotent
    # even after the meeting has been moved to another day.
    occurrence = models.DateField(_("scheduled date"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    moved_from = models.DateTimeField(_("originally"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["schedule", "occurrence"],
                condition=Q(schedule__isnull=False),
                name="meeting_one_per_schedule_occurrence",
            ),
        ]
        indexes = [models.Index(fields=["group", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.group.name} {self.starts_at:%Y-%m-%d %H:%M}Z"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        EXCUSED = "excused", _("excused")
        ABSENT = "absent", _("absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "youth"], name="attendance_one_per_youth"),
        ]

    def __str__(self) -> str:
        return f"youth #{self.youth_id} at meeting #{self.meeting_id}: {self.status}"
