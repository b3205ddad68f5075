"""``/start [token]``: linking a Telegram account to a youth record, with consent first."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.handlers.common import on_button, on_message
from bot.handlers.settings import alerts_button, first_sectors_screen
from domain.ratelimit import rate_limit_hit
from domain.services.invites import invite_check, invite_redeem


def _too_many_tries(ctx: Context) -> Screen | None:
    """Invite links are guessed nowhere near 128 bits, but each try is counted per Telegram
    account all the same (the limiter the portal and the API share): anonymous writes are
    limited everywhere."""
    verdict = rate_limit_hit(scope="invite_redeem", key=f"telegram:{ctx.who.user_id}")
    if verdict.allowed:
        return None
    minutes = max(1, -(-verdict.retry_after // 60))
    return Screen(str(texts.LINK_TOO_MANY_TRIES).format(minutes=minutes))


def _start(ctx: Context, token: str) -> Screen:
    if ctx.youth is not None:
        if token:
            return Screen(str(texts.LINK_FOR_SOMEONE_ELSE), keyboards.main_menu())
        welcome = str(texts.WELCOME_BACK).format(name=ctx.youth.first_name)
        return Screen(welcome, keyboards.main_menu())
    if not token:
        return Screen(str(texts.WELCOME_NO_TOKEN))
    if refused := _too_many_tries(ctx):
        return refused
    # Each bad kind of link (unknown, used, expired, replaced, closed, linked to someone else)
    # raises its own DomainError with its own kind explanation.
    invite = invite_check(token=token)
    if not cb.fits(cb.CONSENT, "yes", token):
        return Screen(str(texts.LINK_TOO_LONG))
    privacy = invite.youth.municipality.privacy_text.strip() or str(texts.CONSENT_STANDARD)
    return Screen(f"{privacy}\n\n{texts.CONSENT_QUESTION}", keyboards.consent(token))


def _accept(ctx: Context, token: str) -> Screen:
    if ctx.youth is not None:
        return Screen(str(texts.LINK_FOR_SOMEONE_ELSE), keyboards.main_menu())
    if refused := _too_many_tries(ctx):
        return refused
    youth = invite_redeem(
        token=token,
        telegram_user_id=ctx.who.user_id,
        telegram_chat_id=ctx.who.chat_id,
        telegram_username=ctx.who.username,
        consent_version=settings.NEXTWORK_CONSENT_VERSION,
    )
    with translation.override(youth.language):
        linked = str(texts.LINKED).format(name=youth.first_name)
        if not youth.sectors.exists():
            # Browsing puts the youth's sectors first; with none saved, ask now (or skip).
            again = Context(who=ctx.who, youth=youth, language=youth.language)
            return first_sectors_screen(again, linked)
        # One button more than the menu: new placements by message (opt-in).
        menu = keyboards.main_menu(first=[[alerts_button(youth)]])
        return Screen(f"{linked}\n\n{texts.MENU_TITLE}", menu)


def _decline(ctx: Context) -> Screen:
    if ctx.youth is not None:
        return Screen(str(texts.MENU_TITLE), keyboards.main_menu())
    return Screen(str(texts.CONSENT_DECLINED))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet, or check the invite token and show the consent text."""
    token = " ".join(context.args or []).strip()
    await on_message(update, context, _start, token)


async def consent_accept(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Link the account and record consent together."""
    await on_button(update, context, _accept)


async def consent_decline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store nothing, and say how to come back."""
    await on_button(update, context, _decline)
