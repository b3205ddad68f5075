"""Dates and places the Danish way, from one helper and Django's locale formats."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from domain import display

# 01:12 on 7 December in Copenhagen (UTC+1).
MOMENT = datetime(2026, 12, 7, 0, 12, tzinfo=UTC)
TZ = "Europe/Copenhagen"


@pytest.mark.parametrize(
    ("language", "short", "long", "weekday"),
    [
        (
            "da",
            "7. dec. kl. 01.12",
            "mandag 7. december 2026 kl. 01.12",
            "mandag 7. december kl. 01.12",
        ),
        ("en", "7 Dec, 01:12", "Monday 7 December 2026, 01:12", "Monday 7 December at 01:12"),
    ],
)
def test_moments_read_the_way_each_language_writes_them(language, short, long, weekday):
    with translation.override(language):
        assert display.when(MOMENT, TZ) == short
        assert display.when(MOMENT, TZ, style=display.LONG) == long
        assert display.when_with_weekday(MOMENT, TZ) == weekday


def test_danish_month_abbreviations_are_danish_and_lower_case():
    with translation.override("da"):
        months = [display.day(date(2026, m, 7), short=True) for m in (3, 5, 9, 12)]
    assert months == ["7. marts 2026", "7. maj 2026", "7. sept. 2026", "7. dec. 2026"]


def test_templates_use_the_same_formats_by_name():
    template = Template('{{ moment|date:"SHORT_DATETIME_FORMAT" }}')
    with translation.override("da"), timezone.override(TZ):
        assert template.render(Context({"moment": MOMENT})) == "7. dec. kl. 01.12"


@pytest.mark.parametrize(
    ("language", "future", "past"),
    [
        ("da", "fra 14. september 2027", "løbende"),
        ("en", "from 14 September 2027", "flexible start"),
    ],
)
def test_a_start_that_has_passed_is_flexible(language, future, past):
    today = date(2026, 12, 7)
    with translation.override(language):
        assert display.start(date(2027, 9, 14), today=today) == future
        assert display.start(date(2026, 9, 14), today=today) == past
        assert display.start(today, today=today) == past


def test_addresses_show_postcode_and_town_from_the_postcode_list():
    assert display.place("Hovedgaden 1", "4000") == "Hovedgaden 1, 4000 Roskilde"
    assert display.place("Vestergade 2", "1456") == "Vestergade 2, 1456 København K"
    assert display.place("Torvet 3", "6400") == "Torvet 3, 6400 Sønderborg"
    assert display.place("Ukendt 1", "0000") == "Ukendt 1, 0000"
    assert display.town(" 7100 ") == "Vejle"
