"""The bot's subscriptions to domain events (registered in BotConfig.ready)."""

from __future__ import annotations

from bot.models import ChatState
from domain.events import DomainEvent, subscribe


@subscribe("youth.erased", "youth.left")
def forget_drafts(event: DomainEvent) -> None:
    """Words a youth typed for their consultant but never confirmed (bot.handlers.talk) are kept
    in the chat state; a youth who leaves or is erased (by staff, from the portal) takes them
    along. Their chat id is already cleared by then, so the state names its youth."""
    youth_id = event.data.get("youth_id", event.data.get("id"))
    ChatState.objects.filter(data__youth_id=youth_id).delete()
