"""Button data: one small versioned scheme, ``v1:<feature>:<action>[:<arg>…]``, at most 64 bytes.

Telegram hands button data back verbatim, so anything may arrive here: old buttons from a
previous version, data a client forged, garbage. ``parse`` never raises; it returns ``None`` for
anything that is not exactly one of the shapes in ``ACTIONS``. Ids in the data are only hints:
handlers re-check every object through the selectors scoped to the youth who pressed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64  # Telegram's limit for callback_data

# Features (the second field); handler patterns are built from these, so they cannot drift.
MENU = "menu"
CONSENT = "consent"
BROWSE = "browse"
SLOT = "slot"
INTEREST = "int"
PLACEMENT = "plc"
EVENT = "event"
MEETING = "meet"
SETTINGS = "set"
HELP = "help"
PRIVACY = "priv"
CHECKIN = "chk"
FOLLOWUP = "fu"
TALK = "talk"

# Argument kinds: a positive id, a small number, a choice, a browse filter, an invite token.
ID = "id"
NUM = "num"
FILTER = "filter"
TOKEN = "token"  # noqa: S105 (an argument kind, not a secret)
SCORE = "score"
LANG = "lang"
ONOFF = "onoff"
WHAT = "what"
ANSWER = "answer"

_ARG_PATTERNS = {
    ID: re.compile(r"[1-9][0-9]{0,17}"),
    NUM: re.compile(r"0|[1-9][0-9]{0,2}"),
    FILTER: re.compile(
        r"(?:m|0|[1-9][0-9]{0,5})\.[aip]\.(?:m|0|[1-9][0-9]?)\.(?:0|[1-9][0-9]{0,2})"
    ),
    TOKEN: re.compile(r"[A-Za-z0-9_-]{1,64}"),
    SCORE: re.compile(r"[1-5]"),
    LANG: re.compile(r"da|en"),
    ONOFF: re.compile(r"on|off"),
    WHAT: re.compile(r"sector|kind|hours"),
    ANSWER: re.compile(r"job|education|looking|other|not_say"),
}

# (feature, action) → the kinds of its arguments, in order.
ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    (MENU, "show"): (),
    (CONSENT, "yes"): (TOKEN,),
    (CONSENT, "no"): (),
    (BROWSE, "list"): (FILTER,),
    (BROWSE, "pick"): (WHAT, FILTER),
    (SLOT, "open"): (ID, FILTER),
    (SLOT, "want"): (ID, FILTER),
    (SLOT, "send"): (ID,),
    (INTEREST, "list"): (),
    (INTEREST, "open"): (ID,),
    (INTEREST, "withdraw"): (ID,),
    (INTEREST, "withdrawyes"): (ID,),
    (INTEREST, "wait"): (ID,),
    (PLACEMENT, "open"): (ID,),
    (EVENT, "list"): (),
    (EVENT, "open"): (ID,),
    (EVENT, "signup"): (ID,),
    (EVENT, "cancel"): (ID,),
    (EVENT, "cancelyes"): (ID,),
    (MEETING, "list"): (),
    (MEETING, "excuse"): (ID,),
    (MEETING, "intro"): (ID,),
    (SETTINGS, "show"): (),
    (SETTINGS, "lang"): (LANG,),
    (SETTINGS, "sectors"): (),
    (SETTINGS, "sector"): (ID,),
    (SETTINGS, "first"): (ID,),
    (SETTINGS, "hours"): (),
    (SETTINGS, "hour"): (NUM,),
    (SETTINGS, "reminders"): (ONOFF,),
    (SETTINGS, "alerts"): (ONOFF,),
    (SETTINGS, "share"): (ONOFF,),
    (HELP, "show"): (),
    (PRIVACY, "show"): (),
    (PRIVACY, "export"): (),
    (PRIVACY, "erase"): (),
    (PRIVACY, "eraseyes"): (),
    (CHECKIN, "score"): (ID, SCORE),
    (CHECKIN, "skip"): (ID, SCORE),
    (CHECKIN, "share"): (ID, ONOFF),
    # After leaving: the youth's id (the offer) or the question's; checked against the chat.
    (FOLLOWUP, "yes"): (ID,),
    (FOLLOWUP, "no"): (ID,),
    (FOLLOWUP, "answer"): (ID, ANSWER),
    (TALK, "send"): (),
    (TALK, "drop"): (),
}

FEATURES = tuple(sorted({feature for feature, _ in ACTIONS}))


MINE = -1  # a filter's sector or hours: the youth's saved choice ("m" in the data)


def _encode_choice(value: int) -> str:
    return "m" if value == MINE else str(value)


def _decode_choice(text: str) -> int:
    return MINE if text == "m" else int(text)


@dataclass(frozen=True)
class Filter:
    """What the youth filters slots by, and the page they are on (0 = any).

    A new filter starts from the youth's saved sectors and hours (``MINE``): those slots come
    first and the rest after them; a sector or hours picked on the way filters strictly.
    Buttons from before ``MINE`` existed ("0" = any) still parse.
    """

    sector_id: int = MINE
    kind: str = "a"  # a = any, i = internship, p = paid hours
    hours: int = MINE
    page: int = 0

    def encode(self) -> str:
        sector, hours = _encode_choice(self.sector_id), _encode_choice(self.hours)
        return f"{sector}.{self.kind}.{hours}.{self.page}"

    @classmethod
    def decode(cls, text: str) -> Filter:
        sector, kind, hours, page = text.split(".")
        return cls(
            sector_id=_decode_choice(sector), kind=kind, hours=_decode_choice(hours), page=int(page)
        )

    def with_(self, **changes: object) -> Filter:
        values = {
            "sector_id": self.sector_id,
            "kind": self.kind,
            "hours": self.hours,
            "page": self.page,
        }
        values.update(changes)
        return Filter(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Callback:
    feature: str
    action: str
    args: tuple[object, ...] = ()

    def arg(self, index: int) -> object:
        return self.args[index]


class CallbackTooLong(ValueError):
    """An encoded value would not fit in Telegram's 64 bytes."""


def _encode_arg(kind: str, value: object) -> str:
    if kind == FILTER:
        if not isinstance(value, Filter):
            raise TypeError(f"expected a Filter, got {value!r}")
        text = value.encode()
    elif kind == ONOFF and isinstance(value, bool):
        text = "on" if value else "off"
    else:
        text = str(value)
    if not _ARG_PATTERNS[kind].fullmatch(text):
        raise ValueError(f"{text!r} is not a valid {kind}")
    return text


def encode(feature: str, action: str, *args: object) -> str:
    """The button data for an action; raises for an unknown action or a bad argument."""
    kinds = ACTIONS[(feature, action)]
    if len(args) != len(kinds):
        raise TypeError(f"{feature}:{action} takes {len(kinds)} arguments, got {len(args)}")
    data = ":".join(
        [VERSION, feature, action, *(_encode_arg(k, v) for k, v in zip(kinds, args, strict=True))]
    )
    if len(data.encode()) > MAX_BYTES:
        raise CallbackTooLong(data)
    return data


def fits(feature: str, action: str, *args: object) -> bool:
    """Whether these arguments make valid button data (e.g. an unusually long token)."""
    try:
        encode(feature, action, *args)
    except (ValueError, TypeError):
        return False
    return True


def _decode_arg(kind: str, text: str) -> object:
    if kind in (ID, NUM):
        return int(text)
    if kind == SCORE:
        return int(text)
    if kind == FILTER:
        return Filter.decode(text)
    if kind == ONOFF:
        return text == "on"
    return text


def parse(data: object) -> Callback | None:
    """The callback behind ``data``, or None when it is not one of ours (never raises)."""
    if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != VERSION:
        return None
    feature, action, raw = parts[1], parts[2], parts[3:]
    kinds = ACTIONS.get((feature, action))
    if kinds is None or len(kinds) != len(raw):
        return None
    if not all(_ARG_PATTERNS[k].fullmatch(text) for k, text in zip(kinds, raw, strict=True)):
        return None
    return Callback(
        feature, action, tuple(_decode_arg(k, t) for k, t in zip(kinds, raw, strict=True))
    )


def pattern(feature: str) -> str:
    """The CallbackQueryHandler pattern for one feature's buttons."""
    return f"^{VERSION}:{re.escape(feature)}:"


def action_pattern(feature: str, action: str) -> str:
    """The CallbackQueryHandler pattern for one action's buttons (arguments checked by parse)."""
    return f"^{VERSION}:{re.escape(feature)}:{re.escape(action)}(?::|$)"
