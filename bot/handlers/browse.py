"""Finding placements: a few slots per page, filtered by sector, kind and hours."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from telegram import Update
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot import keyboards, texts
from bot.bridge import Context, Screen
from bot.callbacks import Filter
from bot.handlers.common import on_button
from domain.models import Sector, Slot
from domain.selectors.slots import slots_suggested_to_youth

PAGE_SIZE = 5
KINDS = {"i": Slot.Kind.INTERNSHIP, "p": Slot.Kind.PAID_HOURS}
HOURS_CHOICES = (5, 10, 15, 20, 25, 30, 37)


def kind_label(kind: str) -> object:
    return texts.KIND_PAID if kind == Slot.Kind.PAID_HOURS else texts.KIND_INTERNSHIP


def _sectors() -> list[Sector]:
    # The short reference list (about ten rows), read whole.
    return list(Sector.objects.order_by("ordering", "code"))


@dataclass(frozen=True)
class Saved:
    """The youth's saved sectors and hours, as browsing uses them."""

    sectors: list[Sector]
    hours: int | None

    @classmethod
    def of(cls, youth) -> Saved:
        return cls(list(youth.sectors.order_by("ordering", "code")), youth.preferred_hours)

    def sector_names(self) -> str:
        return ", ".join(sector.name for sector in self.sectors)


def _sector_label(flt: Filter, sectors: dict[int, Sector], saved: Saved) -> object:
    if flt.sector_id == cb.MINE:
        if saved.sectors:
            return str(texts.YOUR_SECTORS).format(sectors=saved.sector_names())
        return texts.ANY_SECTOR
    sector = sectors.get(flt.sector_id)
    return sector.name if sector else texts.ANY_SECTOR


def _hours_label(flt: Filter, saved: Saved) -> object:
    hours = saved.hours if flt.hours == cb.MINE else flt.hours
    if not hours:
        return texts.ANY_HOURS
    label = str(texts.HOURS_VALUE).format(hours=hours)
    return str(texts.YOUR_HOURS).format(hours=label) if flt.hours == cb.MINE else label


def _filter_summary(flt: Filter, sectors: dict[int, Sector], saved: Saved) -> str:
    return str(texts.BROWSE_FILTERS).format(
        sector=_sector_label(flt, sectors, saved),
        kind=kind_label(KINDS[flt.kind]) if flt.kind in KINDS else texts.ANY_KIND,
        hours=_hours_label(flt, saved),
    )


def _slots(youth, flt: Filter, sectors: dict[int, Sector], saved: Saved):
    """The slots for this filter: a picked sector or hours filters strictly; the saved ones
    (``MINE``) only put the slots that suit them first."""
    sector = sectors.get(flt.sector_id)
    mine_sectors = flt.sector_id == cb.MINE and saved.sectors
    mine_hours = flt.hours == cb.MINE and saved.hours
    return slots_suggested_to_youth(
        youth=youth,
        sector_codes=[sector.code] if sector else None,
        kind=KINDS.get(flt.kind),
        hours=flt.hours if flt.hours > 0 else None,
        prefer_sector_codes=[s.code for s in saved.sectors] if mine_sectors else None,
        prefer_hours=saved.hours if mine_hours else None,
    ), bool(mine_sectors or mine_hours)


def _title(count: int, suiting: int, ranked: bool) -> str:
    if not count:
        return str(texts.BROWSE_EMPTY)
    if not ranked:
        return str(texts.BROWSE_TITLE).format(count=count)
    if not suiting:
        return str(texts.BROWSE_NONE_SUIT).format(count=count)
    if suiting == count:
        return str(texts.BROWSE_ALL_SUIT).format(count=count)
    return str(texts.BROWSE_SUIT_FIRST).format(suiting=suiting, others=count - suiting)


def _list(ctx: Context, flt: Filter) -> Screen:
    youth = ctx.require_youth()
    sectors = {sector.pk: sector for sector in _sectors()}
    saved = Saved.of(youth)
    slots, ranked = _slots(youth, flt, sectors, saved)
    counted = slots.order_by().aggregate(
        count=Count("pk"), suiting=Count("pk", filter=Q(suits=True))
    )
    count, suiting = counted["count"], counted["suiting"]
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(flt.page, pages - 1)
    flt = flt.with_(page=page)
    rows: list = [
        [
            (
                f"{'⭐ ' if ranked and slot.suits else ''}{slot.title} · {slot.company.name}",
                cb.encode(cb.SLOT, "open", slot.pk, flt),
            )
        ]
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
    lines = [_title(count, suiting, ranked), _filter_summary(flt, sectors, saved)]
    if pages > 1:
        lines.append(str(texts.PAGE).format(page=page + 1, pages=pages))
    return Screen("\n\n".join(lines), keyboards.with_menu(rows))


def _chosen(label: object, chosen: bool) -> str:
    return f"✅ {label}" if chosen else str(label)


def _pick(ctx: Context, what: str, flt: Filter) -> Screen:
    youth = ctx.require_youth()
    saved = Saved.of(youth)
    back = cb.encode(cb.BROWSE, "list", flt)

    def choose(**change: object) -> str:
        return cb.encode(cb.BROWSE, "list", flt.with_(page=0, **change))

    # The saved choice comes first, and the current one is ticked.
    options: list[tuple[object, str]] = []
    if what == "sector":
        if saved.sectors:
            mine = str(texts.YOUR_SECTORS).format(sectors=saved.sector_names())
            options.append((_chosen(mine, flt.sector_id == cb.MINE), choose(sector_id=cb.MINE)))
        any_sector = flt.sector_id == 0 or (flt.sector_id == cb.MINE and not saved.sectors)
        options.append((_chosen(texts.ANY_SECTOR, any_sector), choose(sector_id=0)))
        options += [
            (_chosen(sector.name, flt.sector_id == sector.pk), choose(sector_id=sector.pk))
            for sector in _sectors()
        ]
        question = texts.PICK_SECTOR
    elif what == "kind":
        options = [
            (_chosen(texts.ANY_KIND, flt.kind == "a"), choose(kind="a")),
            (_chosen(texts.KIND_INTERNSHIP, flt.kind == "i"), choose(kind="i")),
            (_chosen(texts.KIND_PAID, flt.kind == "p"), choose(kind="p")),
        ]
        question = texts.PICK_KIND
    else:
        if saved.hours:
            mine = str(texts.YOUR_HOURS).format(
                hours=str(texts.HOURS_VALUE).format(hours=saved.hours)
            )
            options.append((_chosen(mine, flt.hours == cb.MINE), choose(hours=cb.MINE)))
        any_hours = flt.hours == 0 or (flt.hours == cb.MINE and not saved.hours)
        options.append((_chosen(texts.ANY_HOURS, any_hours), choose(hours=0)))
        options += [
            (_chosen(str(texts.HOURS_VALUE).format(hours=h), flt.hours == h), choose(hours=h))
            for h in HOURS_CHOICES
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
