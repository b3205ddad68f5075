from django.apps import AppConfig


class BotConfig(AppConfig):
    name = "bot"
    verbose_name = "Telegram bot"

    def ready(self) -> None:
        from bot import (
            checks,  # noqa: F401  (registers the deployment check)
            subscribers,  # noqa: F401  (registers its domain-event subscribers)
        )
