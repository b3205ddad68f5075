"""Privacy: the youth's data as a JSON file, and deleting it (after a clear question)."""

from __future__ import annotations

import json

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.chat_state import state_forget
from bot.handlers.common import on_button
from domain.services.privacy import youth_erase, youth_export

EXPORT_FILENAME = "nextwork-my-data.json"


def _privacy(ctx: Context) -> Screen:
    ctx.require_youth()
    rows = [
        [(texts.PRIVACY_EXPORT, cb.encode(cb.PRIVACY, "export"))],
        [(texts.PRIVACY_ERASE, cb.encode(cb.PRIVACY, "erase"))],
    ]
    return Screen(str(texts.PRIVACY), keyboards.with_menu(rows))


def _export(ctx: Context) -> Screen:
    youth = ctx.require_youth()
    data = youth_export(youth=youth, actor=youth)
    document = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    screen = _privacy(ctx)
    screen.document = (EXPORT_FILENAME, document)
    screen.caption = str(texts.PRIVACY_EXPORT_CAPTION)
    return screen


def _erase(ctx: Context) -> Screen:
    ctx.require_youth()
    rows = [
        [(texts.PRIVACY_ERASE_YES, cb.encode(cb.PRIVACY, "eraseyes"))],
        [(texts.PRIVACY_ERASE_NO, cb.encode(cb.PRIVACY, "show"))],
    ]
    return Screen(str(texts.PRIVACY_ERASE_CONFIRM), keyboards.keyboard(rows))


def _erase_yes(ctx: Context) -> Screen:
    youth = ctx.require_youth()
    youth_erase(youth=youth, actor=youth)
    state_forget(ctx.who.chat_id)
    return Screen(str(texts.PRIVACY_ERASED))


async def privacy_show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the youth's choices about their data."""
    await on_button(update, context, _privacy)


async def privacy_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send everything stored about the youth as a JSON document."""
    await on_button(update, context, _export)


async def privacy_erase_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask before deleting the youth's data."""
    await on_button(update, context, _erase)


async def privacy_erase_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete (anonymise) the youth's data and forget the chat."""
    await on_button(update, context, _erase_yes)
