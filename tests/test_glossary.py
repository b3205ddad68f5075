"""One vocabulary: no catalogue uses a word that docs/glossary.md retired."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_translations import parse_po

ROOT = Path(settings.BASE_DIR)
GLOSSARY = ROOT / "docs" / "glossary.md"
CATALOGUES = sorted(ROOT.glob("*/locale/da/LC_MESSAGES/django.po"))
# msgctxt values whose entries may keep a retired word (see the glossary's exceptions).
EXCEPT_CONTEXTS = {"outbox message"}


def retired_words() -> dict[str, list[re.Pattern]]:
    """{"da": [...], "en": [...]}: a pattern per retired word, from the glossary's table."""
    retired: dict[str, list[re.Pattern]] = {"da": [], "en": []}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("concept", "---"):
            continue
        for part in filter(None, (p.strip() for p in cells[3].split(";"))):
            language, _, words = part.partition(":")
            for word in filter(None, (w.strip() for w in words.split(","))):
                body = re.escape(word.rstrip("*")) + (r"\w*" if word.endswith("*") else "")
                retired[language.strip()].append(re.compile(rf"\b{body}\b", re.IGNORECASE))
    return retired


def test_the_glossary_retires_the_words_the_newcomer_found():
    retired = retired_words()
    danish = " ".join(p.pattern for p in retired["da"])
    assert "matchevent" in danish and "intromøde" in danish and "annuller" in danish


def _offences(path: Path, retired: dict[str, list[re.Pattern]]) -> list[str]:
    found = []
    for entry in parse_po(path):
        if entry.is_header or entry.msgctxt in EXCEPT_CONTEXTS:
            continue
        english = [entry.msgid, entry.msgid_plural or ""]
        for language, texts in (("en", english), ("da", list(entry.msgstr.values()))):
            for text in texts:
                found += [
                    f"{path.relative_to(ROOT)}: {language} {pattern.pattern!r} in {text!r}"
                    for pattern in retired[language]
                    if pattern.search(text)
                ]
    return found


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_no_catalogue_uses_a_retired_word(path):
    assert _offences(path, retired_words()) == []


def test_the_check_finds_a_retired_word(tmp_path, monkeypatch):
    """The check itself works: a catalogue saying "matchevent" or "intro talk" fails it."""
    monkeypatch.setattr("tests.test_glossary.ROOT", tmp_path)
    po = tmp_path / "django.po"
    po.write_text(
        'msgid "Match events"\nmsgstr "Matchevents"\n\n'
        'msgid "Your intro talk"\nmsgstr "Din introsamtale"\n\n'
        'msgctxt "outbox message"\nmsgid "cancelled"\nmsgstr "annulleret"\n',
        encoding="utf-8",
    )
    offences = _offences(po, retired_words())
    assert len(offences) == 2
    assert "Matchevents" in offences[0] and "intro talk" in offences[1]
