"""Reads of the conversation between youth and consultants: a consultant's inbox, one youth's
messages, and whom the bot names when a youth writes. Companies see none of it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet

from domain import policy
from domain.models import Youth, YouthMessage
from domain.selectors.youth import youth_visible_to_user

MESSAGE_RELATED = ("author", "delivery", "consultant__user")


@dataclass(frozen=True)
class Conversation:
    youth: Youth
    last: YouthMessage

    @property
    def waiting(self) -> bool:
        """The youth had the last word: somebody should answer."""
        return self.last.direction == YouthMessage.Direction.FROM_YOUTH


def messages_of_youth(*, youth: Youth) -> QuerySet[YouthMessage]:
    """One youth's messages, oldest first, for a page that has already checked who may read
    them (``youth_get_for_user`` / ``youth_timeline``)."""
    return YouthMessage.objects.filter(youth=youth).select_related(*MESSAGE_RELATED)


def conversations_for_user(
    *, user: object, mine_only: bool = False, limit: int = 50
) -> list[Conversation]:
    """The latest message of each conversation the user may read, newest first: a consultant's
    municipality (``mine_only``: the youth whose contact consultant they are, and the youth who
    have none), an admin's everything, anybody else's nothing. Three queries."""
    youth = youth_visible_to_user(user=user).filter(erased_at__isnull=True)
    if mine_only and policy.role_of(user) == "consultant":
        consultant = user.consultant  # type: ignore[attr-defined]
        youth = youth.filter(Q(contact_consultant=consultant) | Q(contact_consultant__isnull=True))
    last_ids = (
        YouthMessage.objects.filter(youth__in=youth.values("pk"))
        .values("youth")
        .annotate(last=Max("pk"))
        .values("last")
    )
    latest = (
        YouthMessage.objects.filter(pk__in=last_ids)
        .select_related("youth", "youth__contact_consultant__user", *MESSAGE_RELATED)
        .order_by("-created_at", "-pk")[:limit]
    )
    return [Conversation(youth=message.youth, last=message) for message in latest]


def message_addressee(*, youth: Youth) -> str | None:
    """The first name the bot offers to send a youth's words to: their contact consultant's,
    or None when they have none (the municipality's consultants receive it then)."""
    consultant = youth.contact_consultant
    if consultant is None:
        return None
    user = consultant.user
    return user.first_name or user.get_username()
