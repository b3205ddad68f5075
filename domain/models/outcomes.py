"""Where young people went when they left, and the research studies that export it.

The categories are the trial's own outcome measures (job, job with support, education, public
support), so a municipality's figures can be read beside the evaluation's.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# When a youth who left is asked how it goes, in months after leaving, unless the municipality
# sets its own (``Municipality.followup_months``; an empty list turns asking off).
DEFAULT_FOLLOWUP_MONTHS = (3, 6, 12)


def default_followup_months() -> list[int]:
    return list(DEFAULT_FOLLOWUP_MONTHS)


class Destination(models.TextChoices):
    """Where a youth went when their participation ended."""

    ORDINARY_JOB = "ordinary_job", _("ordinary job")
    SUPPORTED_JOB = "supported_job", _("job with support")
    EDUCATION = "education", _("education")
    PUBLIC_SUPPORT = "public_support", _("other public support")
    MOVED_AWAY = "moved_away", _("moved away")
    UNKNOWN = "unknown", _("unknown")
    OTHER = "other", _("other")


class PlacementOutcome(models.TextChoices):
    """What a placement led to at its company, recorded when it ends."""

    JOB_OFFER = "job_offer", _("job offer")
    PAID_HOURS = "paid_hours", _("paid hours")
    NOTHING = "nothing", _("neither")


class FollowUpAnswer(models.TextChoices):
    """The one question asked months after leaving: what are you doing now?"""

    JOB = "job", _("job")
    EDUCATION = "education", _("education")
    LOOKING = "looking", _("looking")
    OTHER = "other", _("something else")
    NOT_SAY = "not_say", _("rather not say")


class FollowUp(models.Model):
    """One question, asked once (a single reminder at most) some months after leaving, to a
    youth who accepted being asked. No answer is no answer: ``answer`` stays blank."""

    youth = models.ForeignKey("portal.Youth", on_delete=models.CASCADE, related_name="followups")
    months = models.PositiveSmallIntegerField(_("months after leaving"))
    due_at = models.DateTimeField(_("asked at"))
    answer = models.CharField(
        _("answer"), max_length=12, choices=FollowUpAnswer.choices, blank=True
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up question")
        verbose_name_plural = _("follow-up questions")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["youth", "months"], name="followup_once_per_month"),
            models.CheckConstraint(
                condition=Q(answer="") | Q(answered_at__isnull=False),
                name="followup_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up #{self.pk}: youth #{self.youth_id} at {self.months} months"


def new_study_key() -> str:
    return secrets.token_urlsafe(32)


class Study(models.Model):
    """A research study: its own key makes the pseudonyms of its exports, so two studies (or
    a study and the statistics page) cannot be linked, and rotating the key breaks the link
    with every earlier export of the study."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    # Never shown: it keys the HMAC that turns a youth's id into the study's pseudonym.
    key = models.CharField(max_length=64, default=new_study_key, editable=False)
    key_rotated_at = models.DateTimeField(_("key rotated"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("research study")
        verbose_name_plural = _("research studies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
