"""Settings: language, sectors, hours, reminders, sharing check-in sentences."""

from __future__ import annotations

from django.utils import translation
from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.handlers.browse import HOURS_CHOICES
from bot.handlers.common import on_button
from domain.models import Sector
from domain.services.youth import youth_set_preferences, youth_set_share_experiences


def _settings(ctx: Context, intro: str = "") -> Screen:
    youth = ctx.require_youth()
    sectors = ", ".join(sector.name for sector in youth.sectors.order_by("ordering", "code"))
    text = str(texts.SETTINGS_TITLE).format(
        language=texts.LANGUAGE_NAMES.get(youth.language, youth.language),
        sectors=sectors or texts.SETTINGS_NONE,
        hours=youth.preferred_hours or texts.SETTINGS_NONE,
        reminders=texts.ON if youth.reminders_enabled else texts.OFF,
        alerts=texts.ON if youth.slot_alerts else texts.OFF,
        share=texts.ON if youth.share_experiences else texts.OFF,
    )
    other = "en" if youth.language == "da" else "da"
    rows = [
        [(texts.LANGUAGE_NAMES[other], cb.encode(cb.SETTINGS, "lang", other))],
        [
            (texts.SETTINGS_SECTORS, cb.encode(cb.SETTINGS, "sectors")),
            (texts.SETTINGS_HOURS, cb.encode(cb.SETTINGS, "hours")),
        ],
        [
            (texts.REMINDERS_OFF, cb.encode(cb.SETTINGS, "reminders", False))
            if youth.reminders_enabled
            else (texts.REMINDERS_ON, cb.encode(cb.SETTINGS, "reminders", True))
        ],
        [alerts_button(youth)],
        [
            (texts.SHARE_OFF, cb.encode(cb.SETTINGS, "share", False))
            if youth.share_experiences
            else (texts.SHARE_ON, cb.encode(cb.SETTINGS, "share", True))
        ],
    ]
    return Screen(f"{intro}\n\n{text}" if intro else text, keyboards.with_menu(rows))


def _language(ctx: Context, language: str) -> Screen:
    youth = ctx.require_youth()
    youth = youth_set_preferences(youth=youth, actor=youth, language=language)
    with translation.override(youth.language):
        again = Context(who=ctx.who, youth=youth, language=youth.language)
        # Said in the new language, whichever way the switch went.
        intro = str(texts.LANGUAGE_SAVED[youth.language])
        return _settings(again, intro)


def _sector_options(youth, action: str) -> list[list[tuple[object, str]]]:
    chosen = set(youth.sectors.values_list("pk", flat=True))
    options = [
        (
            f"✅ {sector.name}" if sector.pk in chosen else sector.name,
            cb.encode(cb.SETTINGS, action, sector.pk),
        )
        for sector in Sector.objects.order_by("ordering", "code")
    ]
    return [options[i : i + 2] for i in range(0, len(options), 2)]


def _sectors_screen(ctx: Context) -> Screen:
    youth = ctx.require_youth()
    rows = _sector_options(youth, "sector")
    rows.append([(texts.DONE, cb.encode(cb.SETTINGS, "show"))])
    return Screen(str(texts.SECTORS_PICK), keyboards.with_menu(rows))


def _toggled(ctx: Context, sector_id: int) -> Context:
    youth = ctx.require_youth()
    codes = set(youth.sectors.values_list("code", flat=True))
    sector = Sector.objects.filter(pk=sector_id).first()
    if sector is None:
        return ctx
    codes ^= {sector.code}
    youth = youth_set_preferences(youth=youth, actor=youth, sector_codes=sorted(codes))
    return Context(who=ctx.who, youth=youth, language=ctx.language)


def _toggle_sector(ctx: Context, sector_id: int) -> Screen:
    return _sectors_screen(_toggled(ctx, sector_id))


def first_sectors_screen(ctx: Context, intro: str = "") -> Screen:
    """Right after consent, when nobody has chosen sectors yet: pick some, or skip."""
    youth = ctx.require_youth()
    rows = _sector_options(youth, "first")
    if not youth.slot_alerts:
        rows.append([alerts_button(youth)])  # the one offer after consent (opt-in)
    if youth.sectors.exists():
        rows.append([(texts.FIRST_SECTORS_DONE, cb.encode(cb.BROWSE, "list", cb.Filter()))])
    else:
        rows.append([(texts.FIRST_SECTORS_SKIP, cb.encode(cb.MENU, "show"))])
    question = str(texts.FIRST_SECTORS_PICK)
    return Screen(f"{intro}\n\n{question}" if intro else question, keyboards.keyboard(rows))


def _toggle_first_sector(ctx: Context, sector_id: int) -> Screen:
    return first_sectors_screen(_toggled(ctx, sector_id))


def _hours_screen(ctx: Context) -> Screen:
    ctx.require_youth()
    options = [
        (str(texts.HOURS_VALUE).format(hours=h), cb.encode(cb.SETTINGS, "hour", h))
        for h in HOURS_CHOICES
    ]
    rows = [options[i : i + 2] for i in range(0, len(options), 2)]
    return Screen(
        str(texts.PICK_HOURS), keyboards.with_menu(rows, back=cb.encode(cb.SETTINGS, "show"))
    )


def _hours(ctx: Context, hours: int) -> Screen:
    youth = ctx.require_youth()
    youth = youth_set_preferences(youth=youth, actor=youth, preferred_hours=hours)
    return _settings(Context(who=ctx.who, youth=youth, language=ctx.language), str(texts.SAVED))


def _reminders(ctx: Context, on: bool) -> Screen:
    youth = ctx.require_youth()
    youth = youth_set_preferences(youth=youth, actor=youth, reminders_enabled=on)
    return _settings(Context(who=ctx.who, youth=youth, language=ctx.language), str(texts.SAVED))


def alerts_button(youth) -> tuple[object, str]:
    """Turn the daily message about new placements on, or off."""
    if youth.slot_alerts:
        return texts.ALERTS_OFF, cb.encode(cb.SETTINGS, "alerts", False)
    return texts.ALERTS_ON, cb.encode(cb.SETTINGS, "alerts", True)


def _alerts(ctx: Context, on: bool) -> Screen:
    youth = ctx.require_youth()
    youth = youth_set_preferences(youth=youth, actor=youth, slot_alerts=on)
    said = texts.ALERTS_TURNED_ON if on else texts.ALERTS_TURNED_OFF
    return _settings(Context(who=ctx.who, youth=youth, language=ctx.language), str(said))


def _share(ctx: Context, on: bool) -> Screen:
    youth = ctx.require_youth()
    youth = youth_set_share_experiences(youth=youth, actor=youth, share=on)
    said = texts.SHARE_TURNED_ON if on else texts.SHARE_TURNED_OFF
    return _settings(Context(who=ctx.who, youth=youth, language=ctx.language), str(said))


async def settings_show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the youth's settings."""
    await on_button(update, context, _settings)


async def settings_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Switch between Danish and English."""
    await on_button(update, context, _language)


async def settings_sectors(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the sectors to choose from."""
    await on_button(update, context, _sectors_screen)


async def settings_sector(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add or remove one sector."""
    await on_button(update, context, _toggle_sector)


async def settings_first_sector(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add or remove one sector on the screen shown right after consent."""
    await on_button(update, context, _toggle_first_sector)


async def settings_hours(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the hour choices."""
    await on_button(update, context, _hours_screen)


async def settings_hour(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Save the preferred hours a week."""
    await on_button(update, context, _hours)


async def settings_reminders(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Turn reminders on or off."""
    await on_button(update, context, _reminders)


async def settings_alerts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Turn the daily message about new placements on or off."""
    await on_button(update, context, _alerts)


async def settings_share(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Allow or stop sharing check-in sentences with other youth."""
    await on_button(update, context, _share)
