"""The tap count the README promises: with the demo, Asta goes from her invite link to an
interest in a slot of her saved sectors in at most five taps and types nothing.

End to end: the real PTB application over real HTTP through the loopback stand-in.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from domain.management.commands import demo_data
from domain.models import Interest, Youth
from tests import factories as f
from tests.bot.conftest import labels

pytestmark = pytest.mark.django_db(transaction=True)

MOST_TAPS = 5
LINK = re.compile(r"^Asta\t\S+\?start=(\S+)$", re.MULTILINE)


@pytest.fixture
def asta_token(tmp_path, monkeypatch) -> str:
    path = tmp_path / "demo-invites.txt"
    monkeypatch.setattr(demo_data, "invites_file", lambda: path)
    call_command("demo_data", stdout=StringIO())
    return LINK.search(path.read_text()).group(1)


def test_from_the_invite_link_to_an_interest_in_her_sectors_in_five_taps(
    asta_token, running_bot, new_chat
):
    chat = new_chat("Asta")
    taps = 0
    # Opening the link sends /start with the token: Telegram types it, not Asta.
    (screen,) = chat.say(f"/start {asta_token}")

    def tap(label_start: str):
        """Tap the first button on the last screen whose label starts so, as a newcomer would."""
        nonlocal taps, screen
        label = next(label for label in labels(screen) if label.startswith(label_start))
        taps += 1
        (screen,) = chat.tap(label)
        return screen

    menu = tap("Ja, det er okay")
    # The one offer after consent: new placements by message (opt-in, not in the way).
    assert labels(menu)[0] == "🔔 Giv mig besked om nye pladser"
    listing = tap("🔎 Find pladser")
    assert "passer til dine brancher og timer (⭐, vist først)" in listing.text
    tap("⭐ ")
    tap("🙋 Jeg er interesseret")
    done = tap("Send uden besked")

    assert "kan nu se, at du er interesseret" in done.text
    asta = Youth.objects.get(first_name="Asta")
    interest = Interest.objects.get(youth=asta)
    assert interest.slot.sector.code in set(asta.sectors.values_list("code", flat=True))
    assert interest.message == ""
    # Only the link's /start was sent as text: nothing typed.
    assert taps <= MOST_TAPS, f"{taps} taps"


def test_without_saved_sectors_the_bot_asks_right_after_consent(
    running_bot, new_chat, invite_for, company
):
    f.SlotFactory(company=company, title="Lager", sector=f.sector("logistics"))
    f.SlotFactory(company=company, title="Kasse", sector=f.sector("retail"))
    youth, token = invite_for(first_name="Bo")
    chat = new_chat("Bo")
    chat.say(f"/start {token}")
    (question,) = chat.tap("Ja, det er okay")
    assert question.text.startswith("Velkommen, Bo!")
    assert "Hvilke brancher vil du gerne arbejde i?" in question.text
    assert labels(question)[-1] == "Spring over"
    (picked,) = chat.tap("Detailhandel")
    assert "✅ Detailhandel" in labels(picked)
    (listing,) = chat.tap("Færdig: vis mig pladser")
    assert labels(listing)[0] == "⭐ Kasse · Bageriet ApS"
    assert list(youth.sectors.values_list("code", flat=True)) == ["retail"]


def test_skipping_the_sectors_question_leads_to_the_menu(running_bot, new_chat, invite_for):
    youth, token = invite_for(first_name="Bo")
    chat = new_chat("Bo")
    chat.say(f"/start {token}")
    chat.tap("Ja, det er okay")
    (menu,) = chat.tap("Spring over")
    assert "🔎 Find pladser" in labels(menu)
    assert not youth.sectors.exists()
