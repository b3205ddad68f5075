"""Who did what to which record, when. Written by services; never edited."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who acted, readable even after the user is gone: "user:12", "youth:7", "system".
    actor_label = models.CharField(_("actor"), max_length=100)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("record type"), max_length=60)
    target_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    # Scope, so consultants can be shown their own municipality's trail only.
    municipality = models.ForeignKey(
        "portal.Municipality", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Never personal data here: ids, states and reasons only.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # Newest first, page after page (keyset), without sorting the whole trail.
            models.Index(fields=["-created_at", "-id"], name="audit_newest"),
            # A municipality's newest entry, read by the outcome measures' cache key.
            models.Index(fields=["municipality", "-id"], name="audit_municipality_newest"),
        ]

    def __str__(self) -> str:
        target = f"{self.target_type}#{self.target_id}"
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {target}"
