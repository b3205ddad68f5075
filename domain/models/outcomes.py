"""Where young people went when they left, and the research studies that export it.

The categories are the trial's own outcome measures (job, job with support, education, public
support), so a municipality's figures can be read beside the evaluation's.
"""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


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
