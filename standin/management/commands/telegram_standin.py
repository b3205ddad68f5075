"""``manage.py telegram_standin``: the loopback Bot API stand-in and its web chat, until stopped."""

from __future__ import annotations

import json
import logging
import signal
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from standin import StandIn

logger = logging.getLogger("standin")


def known_users(path: Path) -> list[dict]:
    """The users in ``path`` (missing or unreadable: none; a malformed entry is skipped): the
    demo's youth linked Telegram ids that this stand-in never handed out, and real Telegram
    would know their chats."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(entries, list):
        return []
    return [
        entry
        for entry in entries
        if isinstance(entry, dict)
        and isinstance(entry.get("id"), int)
        and entry["id"] > 0
        and isinstance(entry.get("first_name"), str)
    ]


class Command(BaseCommand):
    help = (
        "Serve a stand-in for Telegram's Bot API on 127.0.0.1 (any well-formed token works) and "
        "a web chat to talk to the bot as a young person."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--port",
            type=int,
            default=settings.TELEGRAM_STANDIN_PORT,
            help="port on 127.0.0.1 (default TELEGRAM_STANDIN_PORT, 8081; 0 picks a free one)",
        )
        parser.add_argument(
            "--users",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "standin-users.json",
            help="a JSON list of known users ({id, first_name, language_code}) whose chats "
            "exist from the start (default var/standin-users.json, written by demo_data)",
        )

    def handle(self, *args, **options) -> None:
        standin = StandIn(
            host="127.0.0.1", port=options["port"], bot_username=settings.TELEGRAM_BOT_USERNAME
        )
        for user in known_users(options["users"]):
            standin.new_user(
                first_name=user["first_name"],
                language_code=user.get("language_code"),
                id=user["id"],
            )
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda _signum, _frame: stop.set())
        try:
            standin.start()
        except OSError as exc:
            raise CommandError(
                f"Cannot listen on 127.0.0.1:{options['port']} ({exc.strerror}); "
                "stop what uses it or set TELEGRAM_STANDIN_PORT."
            ) from exc
        logger.info(
            "Telegram stand-in: Bot API at %s<token>/, chat with @%s at %s",
            standin.base_url,
            standin.bot_username,
            standin.chat_url,
        )
        try:
            while not stop.wait(0.5):
                pass
        finally:
            standin.stop()
            logger.info("Telegram stand-in: stopped")
