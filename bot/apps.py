from django.apps import AppConfig


class BotConfig(AppConfig):
    name = "bot"
    verbose_name = "Telegram bot"

    def ready(self) -> None:
        from bot import (
            checks,  # noqa: F401  (registers the deployment check)
            subscribers,  # noqa: F401  (registers its domain-event subscribers)
        )
        from bot.privacy import chat_states_prune, updates_prune, youth_chat_erase
        from domain.services.housekeeping import housekeeping_register
        from domain.services.privacy import erasure_register

        # The domain never imports the bot: the bot hands it what erasure and housekeeping
        # must also do to the bot's own tables.
        erasure_register("bot chat data", youth_chat_erase)
        housekeeping_register("stored webhook updates pruned", updates_prune)
        housekeeping_register("stale chat states pruned", chat_states_prune)
