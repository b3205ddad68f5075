"""The bot's Danish catalogue (bot/locale/da) is complete, compiled, and used for every text."""

import gettext
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

from bot import texts
from tests.test_translations import _PLACEHOLDER, parse_po

# Texts that read the same in Danish and English.
SAME_IN_BOTH = {"TO_MENU", "EVENT_DETAIL", "SLOT_EXPERIENCE_LINE", "BROWSE_FILTERS"}
LOCALE_DIR = Path(settings.BASE_DIR) / "bot" / "locale" / "da" / "LC_MESSAGES"


def _texts() -> list[tuple[str, Promise]]:
    found = [(name, value) for name, value in vars(texts).items() if isinstance(value, Promise)]
    for group in ("INTEREST_STATES", "PLACEMENT_STATES", "LANGUAGE_SAVED"):
        found += [(f"{group}[{key}]", value) for key, value in getattr(texts, group).items()]
    return found


@pytest.fixture(scope="module")
def entries():
    return [entry for entry in parse_po(LOCALE_DIR / "django.po") if not entry.is_header]


def test_catalogue_is_complete_and_not_fuzzy(entries):
    assert len(entries) > 150
    assert not [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not [e.msgid for e in entries if not all(t.strip() for t in e.msgstr.values())]


def test_placeholders_are_kept(entries):
    def placeholders(text: str) -> Counter:
        return Counter(_PLACEHOLDER.findall(text))

    wrong = [e.msgid for e in entries if placeholders(e.msgid) != placeholders(e.msgstr[0])]
    assert not wrong


def test_mo_matches_po(entries):
    with (LOCALE_DIR / "django.mo").open("rb") as fp:
        mo = gettext.GNUTranslations(fp)
    for entry in entries:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        assert mo._catalog.get(key) == entry.msgstr[0], entry.msgid


@pytest.mark.parametrize(("name", "text"), _texts())
def test_every_text_reads_danish_by_default_and_english_on_request(name, text):
    with translation.override("en"):
        english = str(text)
    with translation.override("da"):
        danish = str(text)
    assert danish.strip() and english.strip()
    if name not in SAME_IN_BOTH:
        assert danish != english, f"{name} is not translated"
