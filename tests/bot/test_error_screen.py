"""The bot's answer to a refused action follows the error's kind: a lost object and a busy
moment have their own texts, any other refusal shows the domain's message."""

import pytest
from django.utils import translation

from bot import texts
from bot.bridge import error_screen
from domain.exceptions import KINDS, DomainError, Kind


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (Kind.NOT_FOUND, texts.NOT_FOUND),
        (Kind.BUSY, texts.BUSY),
        (Kind.CONFLICT, "The domain's own words."),
        (Kind.INVALID, "The domain's own words."),
        (Kind.FORBIDDEN, "The domain's own words."),
    ],
)
def test_the_answer_follows_the_kind_not_the_code(monkeypatch, kind, text):
    monkeypatch.setitem(KINDS, "new_refusal", kind)
    error = DomainError("The domain's own words.", code="new_refusal")
    with translation.override("en"):
        screen = error_screen(error, linked=True)
        assert screen.text == str(text)
    assert screen.keyboard is not None


def test_a_youth_not_linked_gets_no_menu():
    assert error_screen(DomainError("x", code="invalid_state"), linked=False).keyboard is None
