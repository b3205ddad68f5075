"""A minimal PTB bot for measuring the stand-in alone: ``bot_bench.py --bot echo`` runs it.

Not a benchmark of its own: a part of ``bench/bot_bench.py``, whose goal and verdict it shares.

It answers every button with an edit and every text with a new message, both with a small
keyboard of navigation buttons, and touches no database: what is left is PTB and the stand-in.

    .venv/bin/python bench/support/echo_bot.py BASE_URL
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import sys

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

TOKEN = "123456789:bench-echo"  # noqa: S105 - the stand-in accepts any well-formed token
KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("List", callback_data="v1:browse:list:0.a.0.0")],
        [InlineKeyboardButton("Card", callback_data="v1:slot:open:1:0.a.0.0")],
        [InlineKeyboardButton("Menu", callback_data="v1:menu:show")],
    ]
)
counter = itertools.count()


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer, then edit the message (a new text each time: Telegram refuses no-op edits)."""
    query = update.callback_query
    await query.answer()
    await query.edit_message_text(f"Screen {next(counter)}: {query.data}", reply_markup=KEYBOARD)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a text with a new message."""
    await update.effective_message.reply_text("Hello again", reply_markup=KEYBOARD)


async def main(base_url: str) -> None:
    application = (
        ApplicationBuilder().token(TOKEN).base_url(base_url).concurrent_updates(True).build()
    )
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.TEXT, on_text))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with application:
        await application.updater.start_polling(timeout=10)
        await application.start()
        await stop.wait()
        await application.updater.stop()
        await application.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
