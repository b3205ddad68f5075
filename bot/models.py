"""The bot's own tables: UI state per chat, and the webhook's inbox of updates.

Domain state (interests, sign-ups, …) lives in the portal's tables; these rows only remember
where a chat is in the conversation (e.g. "the next text is the message for slot 12"), so a
restart of the bot process loses nothing.
"""

from django.db import models


class ChatState(models.Model):
    """What the bot expects next from one private chat (the chat id is the Telegram user id)."""

    chat_id = models.BigIntegerField(unique=True)
    # {"awaiting": "interest_message", "slot_id": 12} and the like; {} when nothing is pending.
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "chat state"
        verbose_name_plural = "chat states"

    def __str__(self) -> str:
        return f"chat {self.chat_id}: {self.data.get('awaiting') or '-'}"


class WebhookUpdate(models.Model):
    """An update Telegram posted to the webhook, stored before it is answered and processed.

    The unique ``update_id`` makes a redelivery a no-op; rows are kept about a day.
    """

    update_id = models.BigIntegerField(unique=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(db_index=True)
    # A lease: whoever set it is processing the update (a crash lets it lapse).
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "webhook update"
        verbose_name_plural = "webhook updates"
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=models.Q(processed_at__isnull=True),
                name="webhook_update_unprocessed",
            )
        ]

    def __str__(self) -> str:
        return f"update {self.update_id}"
