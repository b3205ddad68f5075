"""The conversation between a youth and the consultants of their municipality.

A youth writes through the bot (``message_from_youth``): the message reaches the consultants
at once, day or night. A consultant answers from the portal (``message_to_youth``): the bot
delivers it through the outbox, so quiet hours apply and the delivery's state is the outbox
row's. Companies never take part. The audit trail records that a message was sent, never its
words (they may name anyone, and erasure does not rewrite the audit trail).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import events, policy
from domain.audit import audit_log
from domain.exceptions import DomainError
from domain.models import OutboxMessage, Youth, YouthMessage
from domain.services.cleaning import tidy
from domain.services.notify import notify_youth_message
from domain.services.outbox import outbox_push, youth_can_receive

TEXT_MAX_LENGTH = 2000
Direction = YouthMessage.Direction


def message_text_clean(text: object) -> str:
    """The words of a message, or the error a writer should see."""
    text = tidy(text, field="text", multiline=True)
    if not text:
        raise DomainError(_("Write the message."), code="text_required", field="text")
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("A message can be at most 2000 characters."), code="text_too_long", field="text"
        )
    return text


def _announce(message: YouthMessage, *, actor: object, now: datetime) -> None:
    youth = message.youth
    audit_log(
        actor=actor,
        action="message.send",
        target=message,
        municipality_id=youth.municipality_id,
        data={"direction": message.direction},
        now=now,
    )
    # No company_id on purpose: companies must not hear of the conversation at all.
    events.publish(
        "message.created",
        id=message.pk,
        municipality_id=youth.municipality_id,
        youth_id=youth.pk,
    )


@transaction.atomic
def message_from_youth(*, youth: Youth, text: str, now: datetime | None = None) -> YouthMessage:
    """The youth's message for their contact consultant (or, without one, for the consultants
    of their municipality). Written by the youth themself, through the bot."""
    now = now or timezone.now()
    if youth.erased_at is not None or youth.status == Youth.Status.LEFT:
        raise policy.forbidden()
    message = YouthMessage.objects.create(
        youth=youth,
        direction=Direction.FROM_YOUTH,
        consultant_id=youth.contact_consultant_id,
        text=message_text_clean(text),
        created_at=now,
    )
    _announce(message, actor=youth, now=now)
    notify_youth_message(message=message, now=now)
    return message


@transaction.atomic
def message_to_youth(
    *, youth: Youth, actor: object, text: str, now: datetime | None = None
) -> YouthMessage:
    """A consultant's (or an admin's) message to the youth, delivered by the bot. Quiet hours
    hold it until morning: ``message.delivery.due_at`` says when it goes."""
    now = now or timezone.now()
    if not policy.can_talk_with_youth(actor, youth):
        raise policy.forbidden()
    text = message_text_clean(text)
    youth = Youth.objects.select_related("municipality").get(pk=youth.pk)
    if not youth_can_receive(youth):
        raise DomainError(
            _(
                "The bot cannot reach this young person: they are not linked to Telegram, have "
                "left the programme, or have blocked the bot."
            ),
            code="youth_unreachable",
        )
    message = YouthMessage.objects.create(
        youth=youth, direction=Direction.TO_YOUTH, author=actor, text=text, created_at=now
    )
    author = policy.user_from(actor)
    message.delivery = outbox_push(
        recipient=youth,
        kind=OutboxMessage.Kind.CONSULTANT_MESSAGE,
        subject=message,
        payload={"text": text, "sender": (author.first_name or author.get_username())},
        dedupe_key=f"consultant_message:{message.pk}",
        now=now,
    )
    message.save(update_fields=["delivery"])
    _announce(message, actor=actor, now=now)
    return message


def messages_erase(*, youth: Youth) -> int:
    """Delete every message of a youth being erased (called by ``youth_erase``): the words are
    personal, and no statistic counts them. The audit entries keep only that they were sent."""
    deleted, _by_model = YouthMessage.objects.filter(youth=youth).delete()
    return deleted
