"""The main menu, help, and the kind answers to anything unexpected."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.chat_state import state_clear
from bot.handlers.common import menu_screen, on_button, on_message, stale_screen


def _menu(ctx: Context) -> Screen:
    ctx.require_youth()
    state_clear(ctx.who.chat_id)
    return menu_screen(ctx)


def _help(ctx: Context) -> Screen:
    ctx.require_youth()
    return Screen(str(texts.HELP), keyboards.with_menu([]))


def _free_text(ctx: Context) -> Screen:
    if ctx.youth is None:
        return Screen(str(texts.STRANGER_TEXT))
    return Screen(str(texts.FREE_TEXT), keyboards.main_menu())


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the main menu."""
    await on_button(update, context, _menu)


async def menu_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the main menu for /menu (buttons lead everywhere; this is for habit)."""
    await on_message(update, context, _menu)


async def help_screen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the bot in a few lines."""
    await on_button(update, context, _help)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the bot for /help."""
    await on_message(update, context, _help)


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any button data no other handler took: old, forged or garbage."""
    await on_button(update, context, stale_screen)


async def unexpected_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, unknown commands, …: a kind word and the menu."""
    await on_message(update, context, _free_text)
