"""Invite links tried in the bot are counted per Telegram account by the shared limiter: at the
limit each try is answered as usual, one past it gets a kind "take a break"."""

import pytest

from bot.bridge import Who, screen_for
from bot.handlers.start import _accept, _start
from domain.models import Youth
from domain.services.invites import invite_create
from tests import factories as f

LIMIT = 3


@pytest.fixture
def limits(settings):
    settings.NEXTWORK_RATE_LIMITS = {**settings.NEXTWORK_RATE_LIMITS, "invite_redeem": "3/hour"}


def test_guessed_links_stop_one_past_the_limit(db, limits):
    who = Who(user_id=4711, chat_id=4711, language_code="en")
    for n in range(LIMIT):
        screen = screen_for(_start, who, f"guess{n}")
        assert "break" not in screen.text

    refused = screen_for(_start, who, "guess-again")

    assert "take a break" in refused.text
    assert "minutes" in refused.text


def test_a_real_link_past_the_limit_links_nobody(db, municipality, consultant, limits):
    youth = f.InvitedYouthFactory(municipality=municipality, contact_consultant=consultant)
    token = invite_create(youth=youth, actor=consultant.user).token
    who = Who(user_id=4712, chat_id=4712, language_code="en")
    for n in range(LIMIT):
        screen_for(_start, who, f"guess{n}")

    assert "take a break" in screen_for(_accept, who, token).text
    youth.refresh_from_db()
    assert youth.status == Youth.Status.INVITED and youth.telegram_user_id is None

    # Another account is not held back by the first one's tries.
    other = Who(user_id=4713, chat_id=4713, language_code="en")
    assert "break" not in screen_for(_start, other, token).text
