"""``manage.py runbot``: the bot by long polling; ``--webhook URL`` registers the webhook instead
(the web process serves /telegram/webhook/). The outbox is ``manage.py deliver``'s."""

from __future__ import annotations

import asyncio
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bot.app import build_application
from bot.runner import (
    keep_database_connections,
    quiet_http_logs,
    remember_missing_sniffio,
    run_polling,
)


class Command(BaseCommand):
    help = "Run the Telegram bot (long polling), or register its webhook with --webhook URL."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--webhook", metavar="URL", help="register this webhook URL and exit")

    def handle(self, *args, **options) -> None:
        if options["webhook"]:
            asyncio.run(self._set_webhook(options["webhook"]))
            return
        keep_database_connections()
        quiet_http_logs()
        remember_missing_sniffio()
        asyncio.run(self._poll())

    async def _poll(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        self.stdout.write(f"Bot: polling {settings.TELEGRAM_API_URL} (Ctrl+C stops)")
        await run_polling(build_application(), stop)
        self.stdout.write("Bot: stopped")

    async def _set_webhook(self, url: str) -> None:
        secret = settings.TELEGRAM_WEBHOOK_SECRET
        if not secret:
            raise CommandError(
                "Set TELEGRAM_WEBHOOK_SECRET first: the webhook refuses calls without it."
            )
        application = build_application(updater=False)
        async with application:
            await application.bot.set_webhook(
                url, secret_token=secret, allowed_updates=["message", "callback_query"]
            )
        self.stdout.write(f"Webhook set to {url}")
