"""Match events: the list, details with the companies coming, sign-up, waitlist, cancelling."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.dates import format_datetime
from bot.handlers.common import on_button
from domain.exceptions import DomainError
from domain.models import YouthSignup
from domain.policy import not_found
from domain.selectors.events import (
    event_get_for_youth,
    event_seats_taken,
    events_visible_to_youth,
    youth_signups_for_youth,
)
from domain.services.signups import waitlist_position, youth_signup, youth_signup_cancel

SHOWN = 8


def _my_signup(youth, event_id: int) -> YouthSignup | None:
    return youth_signups_for_youth(youth=youth).filter(event_id=event_id).first()


def _list(ctx: Context) -> Screen:
    youth = ctx.require_youth()
    events = list(events_visible_to_youth(youth=youth)[:SHOWN])
    if not events:
        return Screen(str(texts.EVENTS_EMPTY), keyboards.main_menu())
    tz = youth.municipality.timezone
    rows = [
        [
            (
                f"{event.title} · {format_datetime(event.starts_at, tz)}",
                cb.encode(cb.EVENT, "open", event.pk),
            )
        ]
        for event in events
    ]
    return Screen(str(texts.EVENTS_TITLE), keyboards.with_menu(rows))


def _detail(ctx: Context, event_id: int, intro: str = "") -> Screen:
    youth = ctx.require_youth()
    event = event_get_for_youth(youth=youth, event_id=event_id)
    tz = youth.municipality.timezone
    lines = [
        str(texts.EVENT_DETAIL)
        .format(
            title=event.title,
            when=format_datetime(event.starts_at, tz),
            place=event.place,
            description=event.description.strip(),
        )
        .strip()
    ]
    companies = [signup.company.name for signup in event.confirmed_company_signups]
    if companies:
        lines.append(str(texts.EVENT_COMPANIES).format(companies=", ".join(companies)))
    else:
        lines.append(str(texts.EVENT_NO_COMPANIES))
    signup = _my_signup(youth, event.pk)
    rows = []
    if signup is not None and signup.status == YouthSignup.Status.WAITLISTED:
        lines.append(str(texts.EVENT_WAITLISTED).format(position=waitlist_position(signup=signup)))
        rows.append([(texts.EVENT_CANCEL, cb.encode(cb.EVENT, "cancel", event.pk))])
    elif signup is not None:
        lines.append(str(texts.EVENT_SIGNED_UP))
        rows.append([(texts.EVENT_CANCEL, cb.encode(cb.EVENT, "cancel", event.pk))])
    else:
        full = event_seats_taken(event=event) >= event.youth_capacity
        if full:
            lines.append(str(texts.EVENT_FULL))
        label = texts.EVENT_JOIN_WAITLIST if full else texts.EVENT_SIGN_UP
        rows.append([(label, cb.encode(cb.EVENT, "signup", event.pk))])
    text = "\n\n".join([intro, *lines] if intro else lines)
    return Screen(text, keyboards.with_menu(rows, back=cb.encode(cb.EVENT, "list")))


def _signup(ctx: Context, event_id: int) -> Screen:
    youth = ctx.require_youth()
    event = event_get_for_youth(youth=youth, event_id=event_id)
    signup = youth_signup(event=event, youth=youth, actor=youth)
    if signup.status == YouthSignup.Status.WAITLISTED:
        intro = str(texts.EVENT_WAITLIST_MSG).format(position=waitlist_position(signup=signup))
    else:
        when = format_datetime(event.starts_at, youth.municipality.timezone)
        intro = str(texts.EVENT_CONFIRMED_MSG).format(title=event.title, when=when)
    return _detail(ctx, event_id, intro)


def _cancel(ctx: Context, event_id: int) -> Screen:
    youth = ctx.require_youth()
    event = event_get_for_youth(youth=youth, event_id=event_id)
    question = str(texts.EVENT_CANCEL_CONFIRM).format(title=event.title)
    rows = [[(texts.EVENT_CANCEL_YES, cb.encode(cb.EVENT, "cancelyes", event.pk))]]
    return Screen(question, keyboards.with_menu(rows, back=cb.encode(cb.EVENT, "open", event.pk)))


def _cancel_yes(ctx: Context, event_id: int) -> Screen:
    youth = ctx.require_youth()
    signup = _my_signup(youth, event_id)
    if signup is None:
        raise not_found()
    youth_signup_cancel(signup=signup, actor=youth)
    try:
        return _detail(ctx, event_id, str(texts.EVENT_CANCELLED_MSG))
    except DomainError:
        return Screen(str(texts.EVENT_CANCELLED_MSG), keyboards.main_menu())


async def events_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the coming match events."""
    await on_button(update, context, _list)


async def event_open(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show one event with the companies coming and the youth's own sign-up."""
    await on_button(update, context, _detail)


async def event_signup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sign up: a seat, or a place on the waitlist."""
    await on_button(update, context, _signup)


async def event_cancel_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask before cancelling a sign-up."""
    await on_button(update, context, _cancel)


async def event_cancel_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Cancel the sign-up (a freed seat goes to the waitlist)."""
    await on_button(update, context, _cancel_yes)
