"""Finding placements: a few slots per page, filtered by sector, kind and hours."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.callbacks import Filter
from bot.handlers.common import on_button
from domain.models import Sector, Slot
from domain.selectors.slots import slots_visible_to_youth

PAGE_SIZE = 5
KINDS = {"i": Slot.Kind.INTERNSHIP, "p": Slot.Kind.PAID_HOURS}
HOURS_CHOICES = (5, 10, 15, 20, 25, 30, 37)


def kind_label(kind: str) -> object:
    return texts.KIND_PAID if kind == Slot.Kind.PAID_HOURS else texts.KIND_INTERNSHIP


def _sectors() -> list[Sector]:
    # The short reference list (about ten rows), read whole.
    return list(Sector.objects.order_by("ordering", "code"))


def _filter_summary(flt: Filter, sectors: dict[int, Sector]) -> str:
    sector = sectors.get(flt.sector_id)
    return str(texts.BROWSE_FILTERS).format(
        sector=sector.name if sector else texts.ANY_SECTOR,
        kind=kind_label(KINDS[flt.kind]) if flt.kind in KINDS else texts.ANY_KIND,
        hours=str(texts.HOURS_VALUE).format(hours=flt.hours) if flt.hours else texts.ANY_HOURS,
    )


def _list(ctx: Context, flt: Filter) -> Screen:
    youth = ctx.require_youth()
    sectors = {sector.pk: sector for sector in _sectors()}
    sector = sectors.get(flt.sector_id)
    slots = slots_visible_to_youth(
        youth=youth,
        sector_codes=[sector.code] if sector else None,
        kind=KINDS.get(flt.kind),
        hours=flt.hours or None,
    )
    count = slots.count()
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(flt.page, pages - 1)
    flt = flt.with_(page=page)
    rows: list = [
        [(f"{slot.title} · {slot.company.name}", cb.encode(cb.SLOT, "open", slot.pk, flt))]
        for slot in slots[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    rows.append(
        [
            (texts.FILTER_SECTOR, cb.encode(cb.BROWSE, "pick", "sector", flt)),
            (texts.FILTER_KIND, cb.encode(cb.BROWSE, "pick", "kind", flt)),
            (texts.FILTER_HOURS, cb.encode(cb.BROWSE, "pick", "hours", flt)),
        ]
    )
    paging = []
    if page > 0:
        paging.append((texts.PREVIOUS, cb.encode(cb.BROWSE, "list", flt.with_(page=page - 1))))
    if page < pages - 1:
        paging.append((texts.NEXT, cb.encode(cb.BROWSE, "list", flt.with_(page=page + 1))))
    rows.append(paging)
    lines = [
        str(texts.BROWSE_TITLE).format(count=count) if count else str(texts.BROWSE_EMPTY),
        _filter_summary(flt, sectors),
    ]
    if pages > 1:
        lines.append(str(texts.PAGE).format(page=page + 1, pages=pages))
    return Screen("\n\n".join(lines), keyboards.with_menu(rows))


def _pick(ctx: Context, what: str, flt: Filter) -> Screen:
    ctx.require_youth()
    back = cb.encode(cb.BROWSE, "list", flt)

    def choose(**change: object) -> str:
        return cb.encode(cb.BROWSE, "list", flt.with_(page=0, **change))

    if what == "sector":
        options = [(texts.ANY_SECTOR, choose(sector_id=0))] + [
            (sector.name, choose(sector_id=sector.pk)) for sector in _sectors()
        ]
        question = texts.PICK_SECTOR
    elif what == "kind":
        options = [
            (texts.ANY_KIND, choose(kind="a")),
            (texts.KIND_INTERNSHIP, choose(kind="i")),
            (texts.KIND_PAID, choose(kind="p")),
        ]
        question = texts.PICK_KIND
    else:
        options = [(texts.ANY_HOURS, choose(hours=0))] + [
            (str(texts.HOURS_VALUE).format(hours=h), choose(hours=h)) for h in HOURS_CHOICES
        ]
        question = texts.PICK_HOURS
    rows = [options[i : i + 2] for i in range(0, len(options), 2)]
    return Screen(str(question), keyboards.with_menu(rows, back=back))


async def browse_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show one page of open slots for the chosen filters."""
    await on_button(update, context, _list)


async def browse_pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let the youth choose a sector, kind or number of hours."""
    await on_button(update, context, _pick)
