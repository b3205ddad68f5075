"""The conversation between a youth and the consultants of their municipality: what the youth
wrote to the bot for their consultant, and what a consultant wrote back from the portal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .messaging import OutboxMessage
from .network import Consultant
from .youth import Youth


class YouthMessage(models.Model):
    class Direction(models.TextChoices):
        FROM_YOUTH = "from_youth", _("from the young person")
        TO_YOUTH = "to_youth", _("to the young person")

    youth = models.ForeignKey(Youth, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    # From the youth: the contact consultant it was addressed to when it was written (None: the
    # municipality's consultants, for a youth without one).
    consultant = models.ForeignKey(
        Consultant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # To the youth: the consultant (or admin) who wrote it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("message"), max_length=2000)
    # To the youth: the outbox row the bot delivers it by (its status is the delivery's).
    delivery = models.OneToOneField(
        OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("message between youth and consultant")
        verbose_name_plural = _("messages between youth and consultants")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["youth", "created_at"])]

    def __str__(self) -> str:
        return f"{self.direction} message #{self.pk} (youth #{self.youth_id})"
