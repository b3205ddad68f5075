"""Browsing "for you": the youth's saved sectors and hours first, then the rest, said plainly;
the filter pickers start from the saved choices; sectors asked right after consent."""

import pytest

from bot import callbacks as cb
from bot.bridge import screen_for
from bot.callbacks import Filter
from bot.handlers import browse, settings
from tests import factories as f
from tests.bot.test_screens import _buttons, who_is


@pytest.fixture
def slots(company):
    """Seven open slots: the one retail slot that suits 15 hours is the oldest."""
    suits = f.SlotFactory(company=company, title="Bager", sector=f.sector("retail"))
    too_few = f.SlotFactory(
        company=company, title="Kort vagt", sector=f.sector("retail"), hours_min=2, hours_max=5
    )
    others = [
        f.SlotFactory(company=company, title=f"IT {n}", sector=f.sector("it")) for n in range(5)
    ]
    return {"suits": suits, "too_few": too_few, "others": others}


def _titles(screen) -> list[str]:
    return [label for label, _ in _buttons(screen) if "·" in label]


def test_saved_sectors_and_hours_come_first_then_the_rest_said_plainly(youth, slots):
    youth.sectors.set([f.sector("retail")])
    youth.preferred_hours = 15
    youth.save()
    screen = screen_for(browse._list, who_is(youth), Filter())
    assert _titles(screen)[0] == "⭐ Bager · Bageriet ApS"
    assert not any(title.startswith("⭐") for title in _titles(screen)[1:])
    assert "1 passer til dine brancher og timer" in screen.text
    assert "Efter dem kommer 6 andre pladser" in screen.text
    assert "Filtre: dine brancher (Detailhandel) · alle typer · dine timer (15 timer/uge)" in (
        screen.text
    )


def test_without_saved_choices_every_slot_is_listed_newest_first(youth, slots):
    screen = screen_for(browse._list, who_is(youth), Filter())
    assert "7 fundet" in screen.text and "⭐" not in screen.text
    assert "alle brancher" in screen.text and "alle timetal" in screen.text


def test_no_slot_suits_says_so_and_shows_the_others(youth, company):
    youth.sectors.set([f.sector("care")])
    f.SlotFactory(company=company, title="Lager", sector=f.sector("logistics"))
    screen = screen_for(browse._list, who_is(youth), Filter())
    assert "Ingen af de åbne pladser passer til dine brancher" in screen.text
    assert _titles(screen) == ["Lager · Bageriet ApS"]


def test_a_picked_sector_filters_strictly_and_the_picker_starts_from_the_saved_ones(youth, slots):
    youth.sectors.set([f.sector("retail")])
    picker = screen_for(browse._pick, who_is(youth), "sector", Filter())
    labels = [label for label, _ in _buttons(picker)]
    assert labels[:2] == ["✅ dine brancher (Detailhandel)", "alle brancher"]
    it = f.sector("it")
    screen = screen_for(browse._list, who_is(youth), Filter(sector_id=it.pk))
    assert len(_titles(screen)) == 5 and all(t.startswith("IT ") for t in _titles(screen))
    picker = screen_for(browse._pick, who_is(youth), "sector", Filter(sector_id=it.pk))
    assert "✅ IT og digitalt" in [label for label, _ in _buttons(picker)]


def test_the_hours_picker_offers_the_saved_hours_first(youth):
    youth.preferred_hours = 20
    youth.save()
    picker = screen_for(browse._pick, who_is(youth), "hours", Filter())
    labels = [label for label, _ in _buttons(picker)]
    assert labels[:2] == ["✅ dine timer (20 timer/uge)", "alle timetal"]


def test_old_buttons_without_saved_choices_still_work(youth, slots):
    """Buttons sent before "for you" carried 0 (any) for the sector and hours."""
    old = cb.parse("v1:browse:list:0.a.0.0")
    assert old is not None
    screen = screen_for(browse._list, who_is(youth), *old.args)
    assert "7 fundet" in screen.text


def test_first_sectors_screen_offers_skip_then_done(youth):
    screen = screen_for(settings.first_sectors_screen, who_is(youth))
    assert _buttons(screen)[-1] == ("Spring over", cb.encode(cb.MENU, "show"))
    retail = f.sector("retail")
    screen = screen_for(settings._toggle_first_sector, who_is(youth), retail.pk)
    assert ("✅ Detailhandel", cb.encode(cb.SETTINGS, "first", retail.pk)) in _buttons(screen)
    assert _buttons(screen)[-1] == (
        "Færdig: vis mig pladser",
        cb.encode(cb.BROWSE, "list", Filter()),
    )


def test_switching_language_confirms_in_words_both_ways(youth):
    screen = screen_for(settings._language, who_is(youth), "en")
    assert screen.text.startswith("OK, I'll write in English from now on.")
    screen = screen_for(settings._language, who_is(youth), "da")
    assert screen.text.startswith("OK, jeg skriver på dansk fra nu af.")


def test_sharing_sentences_says_what_is_shared_and_with_whom(youth):
    screen = screen_for(settings._share, who_is(youth), True)
    assert "vist for andre unge, der kigger på den samme virksomhed" in screen.text
    assert "uden dit navn" in screen.text
    screen = screen_for(settings._share, who_is(youth), False)
    assert screen.text.startswith("Dine sætninger fra check-in bliver ikke længere vist")


def test_the_slot_card_names_the_town_and_a_start_that_has_come_as_flexible(youth, company):
    from bot.handlers import slots as slot_screens

    slot = f.SlotFactory(company=company, address="Hovedgaden 1", postcode="4000")
    card = screen_for(slot_screens._card, who_is(youth), slot.pk, Filter())
    assert "📍 Hovedgaden 1, 4000 Roskilde" in card.text
    assert "📆 Start: løbende" in card.text


def test_new_placements_by_message_is_turned_on_and_off_in_settings(youth):
    screen = screen_for(settings._settings, who_is(youth))
    assert "Nye pladser som besked: fra" in screen.text
    assert ("🔔 Giv mig besked om nye pladser", cb.encode(cb.SETTINGS, "alerts", True)) in (
        _buttons(screen)
    )
    screen = screen_for(settings._alerts, who_is(youth), True)
    assert screen.text.startswith("OK! Når der kommer nye pladser")
    assert "Nye pladser som besked: til" in screen.text
    youth.refresh_from_db()
    assert youth.slot_alerts is True
    screen = screen_for(settings._alerts, who_is(youth), False)
    youth.refresh_from_db()
    assert youth.slot_alerts is False
