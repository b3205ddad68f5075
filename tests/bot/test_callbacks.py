"""Button data: one versioned scheme, ≤ 64 bytes, and garbage parses to None."""

import re

import pytest

from bot import callbacks as cb
from bot.app import BUTTONS
from bot.callbacks import Filter

BIG_ID = 10**17 + 12345
LONGEST_FILTER = Filter(sector_id=999999, kind="p", hours=37, page=999)
TOKEN_43 = "A" * 43  # what invite_create issues (256 bits, URL-safe base64)


def _widest(kind: str) -> object:
    return {
        cb.ID: BIG_ID,
        cb.NUM: 999,
        cb.FILTER: LONGEST_FILTER,
        cb.TOKEN: TOKEN_43,
        cb.SCORE: 5,
        cb.LANG: "en",
        cb.ONOFF: False,
        cb.WHAT: "sector",
        cb.ANSWER: "education",
    }[kind]


@pytest.mark.parametrize(("feature", "action"), sorted(cb.ACTIONS))
def test_every_action_round_trips_within_64_bytes(feature, action):
    args = tuple(_widest(kind) for kind in cb.ACTIONS[(feature, action)])
    data = cb.encode(feature, action, *args)
    assert len(data.encode()) <= cb.MAX_BYTES
    assert data.startswith(f"v1:{feature}:{action}")
    parsed = cb.parse(data)
    assert parsed == cb.Callback(feature, action, args)
    assert re.match(cb.action_pattern(feature, action), data)


def test_every_action_has_a_handler_and_patterns_do_not_overlap():
    assert set(BUTTONS) == set(cb.ACTIONS)
    for feature, action in cb.ACTIONS:
        data = cb.encode(feature, action, *(_widest(k) for k in cb.ACTIONS[(feature, action)]))
        matching = [key for key in cb.ACTIONS if re.match(cb.action_pattern(*key), data)]
        assert matching == [(feature, action)]


def test_a_filter_round_trips_and_changes_one_field():
    flt = Filter(sector_id=3, kind="i", hours=15, page=2)
    assert Filter.decode(flt.encode()) == flt
    assert flt.with_(page=0) == Filter(sector_id=3, kind="i", hours=15, page=0)


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        "",
        "1",
        "v1",
        "v1:",
        "v1:slot",
        "v2:slot:open:1:0.a.0.0",
        "v1:slot:open",
        "v1:slot:open:0:0.a.0.0",
        "v1:slot:open:-1:0.a.0.0",
        "v1:slot:open:abc:0.a.0.0",
        "v1:slot:open:1",
        "v1:slot:open:1:0.x.0.0",
        "v1:slot:open:1:0.a.0.0:extra",
        "v1:slot:explode:1",
        "v1:nope:show",
        "v1:chk:score:1:6",
        "v1:set:lang:de",
        "v1:consent:yes:tok en",
        "v1:consent:yes:" + "A" * 60,
        "v1:menu:show:",
        "v1:slot:open:١:0.a.0.0",
        "v1:slot:open:1 :0.a.0.0",
        "🙂" * 20,
        "x" * 5000,
        12,
        b"v1:menu:show",
    ],
)
def test_parse_of_garbage_is_none(garbage):
    assert cb.parse(garbage) is None


def test_encode_refuses_bad_arguments():
    with pytest.raises(ValueError):
        cb.encode(cb.SLOT, "send", 0)
    with pytest.raises(TypeError):
        cb.encode(cb.SLOT, "send")
    with pytest.raises(KeyError):
        cb.encode(cb.SLOT, "explode")
    assert not cb.fits(cb.CONSENT, "yes", "A" * 64)
    assert cb.fits(cb.CONSENT, "yes", TOKEN_43)
