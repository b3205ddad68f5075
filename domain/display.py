"""Dates, times and places as people read them, in the active language: the one helper the
portal, the bot and the API's messages share.

The formats themselves live in ``config/formats/<language>/formats.py`` (Django's locale
formats): "7. dec. kl. 01.12" in Danish, "7 Dec, 01:12" in English. Templates reach the same
formats by name (``{{ value|date:"SHORT_DATETIME_FORMAT" }}``) or through the ``when`` and
``place`` filters in ``portal.templatetags.display``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from domain.timeutils import to_local
from domain.validators import age_on

# Format names (Django's): short is for lists and cards, long for a page about one thing.
SHORT = "SHORT_DATETIME_FORMAT"
LONG = "DATETIME_FORMAT"


def when(moment: datetime, tz_name: str, *, style: str = SHORT) -> str:
    """A moment in the municipality's time zone: "7. dec. kl. 01.12" (short) or
    "mandag 7. december 2026 kl. 01.12" (long)."""
    return date_format(to_local(moment, tz_name), style)


def when_with_weekday(moment: datetime, tz_name: str) -> str:
    """A coming moment for a young person: "mandag 7. december kl. 01.12" (no year: it is soon)."""
    local = to_local(moment, tz_name)
    return pgettext("weekday, date and time", "{weekday} {day} at {time}").format(
        weekday=date_format(local, "l"),
        day=date_format(local, "MONTH_DAY_FORMAT"),
        time=date_format(local, "TIME_FORMAT"),
    )


def day(value: date, *, short: bool = False) -> str:
    """A date: "7. december 2026", or "7. dec. 2026" when ``short``."""
    return date_format(value, "SHORT_DATE_FORMAT" if short else "DATE_FORMAT")


def month(value: date) -> str:
    """A month: "december 2026"."""
    return date_format(value, "YEAR_MONTH_FORMAT")


def start(earliest: date, *, today: date) -> str:
    """When a slot starts: "from 14. september 2026", or — once that day has come — "flexible
    start" ("løbende"): a start in the past reads as if the slot were stale."""
    if earliest <= today:
        return _("flexible start")
    return _("from {day}").format(day=day(earliest))


@lru_cache(maxsize=1)
def _towns() -> dict[str, str]:
    # The maintained list of Danish postcodes (about 1,100), read once per process.
    from countrystatecity_postal_codes import get_postcodes_of_country

    return {row.code: row.localityName for row in get_postcodes_of_country("DK")}


def town(postcode: str) -> str:
    """The town of a Danish postcode ("4000" → "Roskilde"), or "" if it is not one."""
    return _towns().get((postcode or "").strip(), "")


def place(address: str, postcode: str) -> str:
    """An address as Danish letters write it: "Hovedgaden 1, 4000 Roskilde"."""
    postcode = (postcode or "").strip()
    where = f"{postcode} {town(postcode)}".strip()
    return ", ".join(part for part in ((address or "").strip(), where) if part)


def youth_label(youth: object, *, today: date) -> str:
    """How staff lists name a young person: "Asta Holm, 22 år" ("Asta Holm, 22 years"), never
    the record's number."""
    name = f"{youth.first_name} {youth.last_name}".strip()
    if youth.birth_date is None:
        return name
    age = age_on(youth.birth_date, today)
    return _("{name}, {age} years").format(name=name, age=age)
