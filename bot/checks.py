"""Deployment checks for the bot: production must talk to real Telegram."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def telegram_configured(app_configs, **kwargs) -> list[Warning]:
    """Without a token the product falls back to the loopback stand-in, which only makes sense
    on a developer's machine: say so before a municipality deploys it that way."""
    if settings.DEBUG or not settings.TELEGRAM_USE_STANDIN:
        return []
    return [
        Warning(
            "TELEGRAM_BOT_TOKEN is not set: the bot would talk to the local Telegram stand-in "
            "instead of Telegram, and no young person would get an answer.",
            hint="Set TELEGRAM_BOT_TOKEN (from @BotFather) and TELEGRAM_BOT_USERNAME.",
            id="nextwork.W001",
        )
    ]
