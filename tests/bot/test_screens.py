"""Screens without Telegram: what a youth reads for given data (the slot card's shared
experiences, paging and filters, settings, events), through the same door as the handlers."""

from datetime import date

import pytest

from bot import callbacks as cb
from bot.bridge import Who, screen_for
from bot.callbacks import Filter
from bot.handlers import browse, events, meetings, settings, slots
from domain.models import Placement
from domain.services.signups import youth_signup
from tests import factories as f


def who_is(youth) -> Who:
    return Who(user_id=youth.telegram_user_id, chat_id=youth.telegram_chat_id)


def _buttons(screen) -> list[tuple[str, str]]:
    return [(b.text, b.callback_data) for row in screen.keyboard.inline_keyboard for b in row]


def _share(company, text: str, week: date, municipality):
    author = f.YouthFactory(municipality=municipality, share_experiences=True)
    placement = f.PlacementFactory(
        youth=author, slot=f.SlotFactory(company=company), status=Placement.Status.ACTIVE
    )
    return f.CheckInFactory(placement=placement, text=text, week=week, shared=True)


def test_one_youths_sentence_is_not_shown_but_two_youths_are_with_the_month_only(
    youth, slot, company, municipality
):
    _share(company, "Rare kolleger", date(2026, 11, 23), municipality)
    card = screen_for(slots._card, who_is(youth), slot.pk, Filter())
    assert "Rare kolleger" not in card.text
    _share(company, "Jeg lærte meget", date(2026, 10, 5), municipality)
    card = screen_for(slots._card, who_is(youth), slot.pk, Filter())
    assert "Det siger andre unge om at være her:" in card.text
    assert "• “Rare kolleger” (november 2026)" in card.text
    assert "• “Jeg lærte meget” (oktober 2026)" in card.text
    assert "23" not in card.text.split("Det siger")[1]


def test_several_sentences_of_one_youth_are_still_not_shown(youth, slot, company, municipality):
    """The threshold counts different youth, not sentences: one youth's weeks stay unshown."""
    first = _share(company, "Første uge", date(2026, 11, 2), municipality)
    for week, text in ((date(2026, 11, 9), "Anden uge"), (date(2026, 11, 16), "Tredje uge")):
        f.CheckInFactory(placement=first.placement, text=text, week=week, shared=True)
    card = screen_for(slots._card, who_is(youth), slot.pk, Filter())
    assert "Det siger andre unge" not in card.text
    assert not any(text in card.text for text in ("Første uge", "Anden uge", "Tredje uge"))
    _share(company, "En anden ung", date(2026, 11, 23), municipality)
    card = screen_for(slots._card, who_is(youth), slot.pk, Filter())
    assert "Det siger andre unge om at være her:" in card.text
    assert "En anden ung" in card.text and "Tredje uge" in card.text


def test_paging_and_filters(youth, company):
    for n in range(7):
        f.SlotFactory(
            company=company, title=f"Plads {n}", kind="paid_hours" if n % 2 else "internship"
        )
    first = screen_for(browse._list, who_is(youth), Filter())
    assert "7 fundet" in first.text and "Side 1 af 2" in first.text
    labels = [label for label, _ in _buttons(first)]
    assert sum(label.startswith("Plads") for label in labels) == browse.PAGE_SIZE
    next_data = dict(_buttons(first))["Næste ▶️"]
    second = screen_for(browse._list, who_is(youth), *cb.parse(next_data).args)
    assert "Side 2 af 2" in second.text and "◀️ Forrige" in dict(_buttons(second))
    paid = screen_for(browse._list, who_is(youth), Filter(kind="p"))
    assert "3 fundet" in paid.text and "Løntimer" in paid.text
    too_far = screen_for(browse._list, who_is(youth), Filter(page=99))
    assert "Side 2 af 2" in too_far.text


def test_hours_filter_keeps_slots_whose_range_allows_them(youth, company):
    f.SlotFactory(company=company, title="Få timer", hours_min=5, hours_max=10)
    f.SlotFactory(company=company, title="Mange timer", hours_min=25, hours_max=37)
    screen = screen_for(browse._list, who_is(youth), Filter(hours=30))
    titles = [label for label, _ in _buttons(screen) if "·" in label]
    assert titles == ["Mange timer · Bageriet ApS"]


def test_settings_change_sectors_hours_and_reminders(youth):
    who = who_is(youth)
    it = f.sector("it")
    screen = screen_for(settings._toggle_sector, who, it.pk)
    assert ("✅ IT og digitalt", cb.encode(cb.SETTINGS, "sector", it.pk)) in _buttons(screen)
    screen = screen_for(settings._hours, who, 20)
    assert "Timer om ugen: 20" in screen.text
    screen = screen_for(settings._reminders, who, False)
    assert "Påmindelser: fra" in screen.text
    youth.refresh_from_db()
    assert (youth.preferred_hours, youth.reminders_enabled) == (20, False)
    assert list(youth.sectors.values_list("code", flat=True)) == ["it"]
    screen = screen_for(settings._toggle_sector, who, it.pk)
    assert not youth.sectors.exists()


def test_an_event_shows_its_companies_and_my_waitlist_position(youth, municipality, company):
    event = f.EventFactory(municipality=municipality, title="Matchdag", youth_capacity=1)
    event.company_signups.create(company=company, created_at=event.starts_at)
    first = f.YouthFactory(municipality=municipality)
    youth_signup(event=event, youth=first, actor=first)
    youth_signup(event=event, youth=youth, actor=youth)
    screen = screen_for(events._detail, who_is(youth), event.pk)
    assert "Virksomheder der kommer: Bageriet ApS" in screen.text
    assert "⏳ Du er nummer 1 på ventelisten." in screen.text
    assert "Afmeld mig" in dict(_buttons(screen))


def test_an_event_of_another_municipality_does_not_exist(youth, other_municipality):
    event = f.EventFactory(municipality=other_municipality)
    screen = screen_for(events._detail, who_is(youth), event.pk)
    assert screen.text.startswith("Jeg kan ikke finde det længere")


def test_a_meeting_of_another_group_cannot_be_excused(youth, municipality):
    meeting = f.MeetingFactory(group=f.GroupFactory(municipality=municipality))
    screen = screen_for(meetings._excuse, who_is(youth), meeting.pk)
    assert screen.text.startswith("Jeg kan ikke finde det længere")


@pytest.mark.parametrize("language_code", [None, "da", "de", "en-GB"])
def test_a_strangers_language_is_danish_unless_telegram_says_english(db, language_code):
    who = Who(user_id=42, chat_id=42, language_code=language_code)
    screen = screen_for(browse._list, who, Filter())
    english = language_code == "en-GB"
    assert screen.text.startswith("I don't know you yet." if english else "Jeg kender dig ikke")
