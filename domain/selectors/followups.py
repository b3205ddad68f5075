"""The follow-up's objects as the chat kept for them may see them (the bot's buttons carry ids
as hints only): anything else is ``not_found``."""

from __future__ import annotations

from domain import policy
from domain.models import FollowUp, Youth


def _own(chat_id: int):
    return Youth.objects.filter(
        status=Youth.Status.LEFT, erased_at__isnull=True, followup_chat_id=chat_id
    )


def followup_offer_for_chat(*, youth_id: int, chat_id: int) -> Youth:
    youth = _own(chat_id).select_related("municipality").filter(pk=youth_id).first()
    if youth is None:
        raise policy.not_found()
    return youth


def followup_question_for_chat(*, question_id: int, chat_id: int) -> FollowUp:
    question = (
        FollowUp.objects.filter(pk=question_id, youth__in=_own(chat_id))
        .select_related("youth__municipality")
        .first()
    )
    if question is None:
        raise policy.not_found()
    return question
