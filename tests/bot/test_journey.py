"""End to end: the real PTB application over real HTTP through the loopback stand-in.

One youth's whole journey, from the invite link to deleting their data.
"""

import json

import pytest

from bot import callbacks as cb
from domain.models import Interest, OutboxMessage, Youth, YouthSignup
from domain.services.signups import youth_signup, youth_signup_cancel
from tests import factories as f
from tests.bot.conftest import data_of, labels, sent_row

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def network(municipality, company):
    it = f.SlotFactory(
        company=company,
        title="Hjælp med computere",
        sector=f.sector("it"),
        description="Du hjælper kunderne med deres computere.",
        hours_min=8,
        hours_max=20,
    )
    bakery = f.SlotFactory(company=company, title="Bagerlærling", sector=f.sector("retail"))
    event = f.EventFactory(municipality=municipality, title="Matchdag i Roskilde", youth_capacity=1)
    seated = f.YouthFactory(municipality=municipality)
    signup = youth_signup(event=event, youth=seated, actor=seated)
    return {"it": it, "bakery": bakery, "event": event, "seated_signup": signup}


def test_a_youth_goes_from_invite_to_interest_waitlist_language_export_and_erasure(
    running_bot, new_chat, invite_for, network
):
    youth, token = invite_for(first_name="Amal")
    chat = new_chat("Amal")

    # Linking: the consent text first, nothing stored yet.
    (consent,) = chat.say(f"/start {token}")
    assert "Før vi starter" in consent.text
    assert labels(consent) == ["Ja, det er okay", "Nej tak"]
    youth.refresh_from_db()
    assert youth.telegram_user_id is None
    (welcome,) = chat.tap("Ja, det er okay")
    assert welcome.text.startswith("Velkommen, Amal!")
    assert "Hvilke brancher vil du gerne arbejde i?" in welcome.text  # none saved yet
    chat.tap("Spring over")
    youth.refresh_from_db()
    assert youth.telegram_user_id == chat.user.id and youth.consent_at is not None

    # Browsing with a sector filter.
    (listing,) = chat.tap("🔎 Find pladser")
    assert "2 fundet" in listing.text
    (sectors,) = chat.tap("Branche")
    assert sectors.text == "Hvilken branche?"
    (filtered,) = chat.tap("IT og digitalt")
    assert "1 fundet" in filtered.text
    assert labels(filtered)[0] == "Hjælp med computere · Bageriet ApS"

    # The slot card, and interest with a message.
    (card,) = chat.tap("Hjælp med computere · Bageriet ApS")
    assert "🏢 Bageriet ApS" in card.text
    assert "8–20 timer om ugen · Praktik" in card.text
    assert "Du hjælper kunderne" in card.text
    (ask,) = chat.tap("🙋 Jeg er interesseret")
    assert "kort besked" in ask.text
    (sent,) = chat.say("Jeg elsker computere 🙂")
    assert "Bageriet ApS kan nu se" in sent.text
    interest = Interest.objects.get(youth=youth)
    assert interest.message == "Jeg elsker computere 🙂"
    assert interest.slot == network["it"]

    # My interests.
    (mine,) = chat.tap("📋 Mine interesser og forløb")
    assert "Hjælp med computere hos Bageriet ApS: venter på virksomheden" in mine.text

    # A full event: the waitlist.
    (menu,) = chat.tap("🏠 Menu")
    (events,) = chat.tap("🤝 Matchdage")
    assert labels(events)[0].startswith("Matchdag i Roskilde · ")
    (event,) = chat.press(cb.encode(cb.EVENT, "open", network["event"].pk))
    assert "Dagen er fuld" in event.text
    assert "Virksomhederne der kommer" in event.text
    (waitlisted,) = chat.tap("Skriv mig på ventelisten")
    assert "nummer 1 på ventelisten" in waitlisted.text
    signup = YouthSignup.objects.get(youth=youth)
    assert signup.status == YouthSignup.Status.WAITLISTED

    # Someone cancels: promoted, and told through the outbox.
    seated = network["seated_signup"]
    youth_signup_cancel(signup=seated, actor=seated.youth)
    (promoted,) = chat.wait()
    assert promoted.text.startswith("Der blev en plads fri: du har nu en plads til Matchdag")
    row = sent_row(youth, OutboxMessage.Kind.WAITLIST_PROMOTED)
    assert row.telegram_message_id == promoted.message_id

    # English.
    (menu,) = chat.tap("🏠 Menu")
    (settings_screen,) = chat.tap("⚙️ Indstillinger")
    assert "Sprog: Dansk" in settings_screen.text
    (english,) = chat.tap("English")
    assert english.text.startswith("OK, I'll write in English from now on.")
    assert "Language: English" in english.text
    (menu,) = chat.tap("🏠 Menu")
    assert "🔎 Find placements" in labels(menu)

    # My data as a document.
    (privacy,) = chat.tap("🔒 Privacy")
    assert privacy.text.startswith("Your data is yours.")
    document, after = chat.tap("📄 Send me my data", count=2)
    filename, data = document.document
    assert filename == "nextwork-my-data.json"
    exported = json.loads(data)
    assert exported["profile"]["first_name"] == "Amal"
    assert document.caption == "Here is everything we store about you."
    assert "Your data is yours" in after.text

    # Deleting: asked first, then forgotten.
    (question,) = chat.press(data_of(after, "🗑"))
    assert "Are you sure?" in question.text
    (gone,) = chat.tap("Yes, delete everything")
    assert gone.text.startswith("Your data has been deleted.")
    youth.refresh_from_db()
    assert youth.erased_at is not None and youth.first_name == ""
    assert youth.telegram_user_id is None
    (stranger,) = chat.say("hello?")
    assert stranger.text.startswith("Jeg er bedst til knapper.")
    assert not Youth.objects.filter(telegram_user_id=chat.user.id).exists()
