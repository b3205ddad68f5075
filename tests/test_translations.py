"""The Danish catalogues (``<package>/locale/da/LC_MESSAGES/django.po``) are complete, compiled
and used.

The .po is read with a small parser of our own (no extra dependency); the .mo with the standard
library's ``gettext.GNUTranslations``, which is what Django uses underneath.
"""

import gettext
import re
import struct
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from domain.exceptions import DomainError
from domain.models import Placement, Sector
from domain.services.checkins import checkin_submit
from tests import factories as f

# Each package's catalogue, and the fewest entries its parse may find (a guard on the parser).
CATALOGUES = {"domain": 300, "portal": 300, "bot": 100, "api": 5}

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')
# %(name)d, %(name)s …, bare %s / %d, and str.format's {name}; "%%" is a literal percent sign.
_PLACEHOLDER = re.compile(
    r"%%|%(?:\([^)]*\))?[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{[^{}\s]*\}"
)


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def mo_key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _unquote(quoted: str) -> str:
    body = quoted.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file in file order (the header included, obsolete ``#~`` ones not)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, target
        if current is not None and target is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if target is not None:  # a comment after a complete entry starts the next one
                finish()
            current = current or Entry(line=number)
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            if target is not None:
                finish()
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, quoted = match.groups()
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()
            current = current or Entry(line=number)
            text = _unquote(quoted)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                current.msgstr[index] = text
                target = ("msgstr", index)
            else:
                setattr(current, keyword, text)
                target = (keyword, None)
            continue
        if line.startswith('"') and current is not None and target is not None:
            text = _unquote(line)
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index] += text
            else:
                setattr(current, kind, getattr(current, kind) + text)
            continue
        raise AssertionError(f"{path.name}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def _placeholders(text: str) -> Counter:
    return Counter(token for token in _PLACEHOLDER.findall(text) if token != "%%")


@pytest.fixture(scope="module", params=sorted(CATALOGUES))
def package(request) -> str:
    return request.param


def _po_path(package: str) -> Path:
    return Path(settings.BASE_DIR) / package / "locale" / "da" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def entries(package) -> list[Entry]:
    return parse_po(_po_path(package))


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [entry for entry in entries if not entry.is_header]


@pytest.fixture(scope="module")
def mo_path(package) -> Path:
    return _po_path(package).with_suffix(".mo")


@pytest.fixture(scope="module")
def mo(mo_path) -> gettext.GNUTranslations:
    with mo_path.open("rb") as fp:
        return gettext.GNUTranslations(fp)


def _where(entry: Entry) -> str:
    return f"django.po:{entry.line} {entry.msgid!r}"


def test_header_is_danish_and_not_fuzzy(entries):
    header = entries[0]
    assert header.is_header
    assert "fuzzy" not in header.flags
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == "da"
    assert fields["Project-Id-Version"] == "nextwork"
    assert "charset=UTF-8" in fields["Content-Type"]
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_catalogue_is_complete(package, messages):
    assert len(messages) > CATALOGUES[package], "the parser found suspiciously few entries"
    fuzzy = [_where(entry) for entry in messages if "fuzzy" in entry.flags]
    untranslated = [
        _where(entry)
        for entry in messages
        if not entry.msgstr or not all(text.strip() for text in entry.msgstr.values())
    ]
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)


def test_plural_entries_have_both_danish_forms(messages):
    for entry in messages:
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == [0, 1], _where(entry)


def test_placeholders_are_preserved(messages):
    wrong = []
    for entry in messages:
        expected = _placeholders(entry.msgid)
        for index, text in entry.msgstr.items():
            got = _placeholders(text)
            if entry.msgid_plural is None:
                ok = got == expected
            else:
                # A plural form may leave out the count ("one" instead of "%(count)d"), but
                # must not bring in anything the English forms do not have.
                ok = set(got) <= set(expected) | set(_placeholders(entry.msgid_plural))
            if not ok:
                wrong.append(f"{_where(entry)} [{index}]: {dict(got)} vs {dict(expected)}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_python_format_entries_format_cleanly(messages):
    """A msgstr flagged python-format must survive ``%`` with the keys its msgid uses."""
    for entry in messages:
        names = re.findall(r"%\(([^)]+)\)", entry.msgid)
        if "python-format" in entry.flags and names:
            for text in entry.msgstr.values():
                assert isinstance(text % dict.fromkeys(names, 7), str), _where(entry)


def test_mo_is_up_to_date_with_po(messages, mo):
    stale = []
    for entry in messages:
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                got = mo.gettext(entry.msgid)
            else:
                got = mo.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr[0]:
                stale.append(f"{_where(entry)}: .mo has {got!r}, .po has {entry.msgstr[0]!r}")
        else:
            for index, n in ((0, 1), (1, 2)):
                if entry.msgctxt is None:
                    got = mo.ngettext(entry.msgid, entry.msgid_plural, n)
                else:
                    got = mo.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                if got != entry.msgstr[index]:
                    stale.append(f"{_where(entry)} [{index}]: .mo has {got!r}")
    assert not stale, "run `python manage.py compilemessages -l da`:\n" + "\n".join(stale)


def test_mo_has_no_strings_the_po_lacks(messages, mo_path):
    # A .mo file starts with magic, revision, and the number of strings (the header included).
    data = mo_path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    count = struct.unpack(f"{order}I", data[8:12])[0]
    assert count == len(messages) + 1, "run `python manage.py compilemessages -l da`"


@pytest.fixture
def active_placement(youth, slot) -> Placement:
    return f.PlacementFactory(youth=youth, slot=slot, status=Placement.Status.ACTIVE)


def _score_error(placement: Placement) -> DomainError:
    with pytest.raises(DomainError) as excinfo:
        checkin_submit(placement=placement, actor=placement.youth, score=9)
    return excinfo.value


def test_domain_error_from_a_service_is_danish(active_placement):
    with translation.override("da"):
        danish = str(_score_error(active_placement))
    with translation.override("en"):
        english = str(_score_error(active_placement))
    assert danish == "Vælg et tal fra 1 til 5."
    assert english == "Choose a score from 1 to 5."


def test_lazy_domain_error_follows_the_active_language(active_placement):
    # The message is lazy: it is rendered in the language active when it is shown.
    error = _score_error(active_placement)
    with translation.override("da"):
        assert str(error) == "Vælg et tal fra 1 til 5."
    with translation.override("en"):
        assert str(error) == "Choose a score from 1 to 5."


def test_sector_names_follow_the_language(db):
    retail = Sector.objects.get(code="retail")
    with translation.override("da"):
        assert str(retail) == "Detailhandel"
        assert str(Sector._meta.verbose_name) == "branche"
    with translation.override("en"):
        assert str(retail) == "Retail"
        assert str(Sector._meta.verbose_name) == "sector"
