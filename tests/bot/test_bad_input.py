"""End to end: every kind of unexpected input gets a short kind answer, never an exception or
silence (bad links, forged or stale buttons, other youth's records, strangers, odd text)."""

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from bot import callbacks as cb
from bot.callbacks import Filter
from bot.models import ChatState
from domain.models import Interest, Invite, Municipality, Youth
from domain.services.interests import interest_show
from domain.services.invites import invite_create
from domain.services.slots import slot_close
from domain.services.youth import youth_leave
from domain.tokens import invite_token_hash as token_hash
from tests import factories as f
from tests.bot.conftest import data_of, labels

pytestmark = pytest.mark.django_db(transaction=True)

MENU_LABELS = [
    "🔎 Find pladser",
    "📋 Mine interesser og forløb",
    "🤝 Matchdage",
    "📅 Mine møder",
    "⚙️ Indstillinger",
    "❓ Hjælp",
    "🔒 Privatliv",
]
QUERY_IDS = count(1)
INVALID = "Linket virker ikke. Spørg din konsulent om et nyt."


def forged_press(chat, data):
    """A callback query with any data, as a modified client could send it."""
    user = chat.user
    chat.standin.inject_update(
        {
            "callback_query": {
                "id": f"forged-{next(QUERY_IDS)}",
                "from": user.to_api(),
                "chat_instance": "forged",
                "data": data,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": user.chat(),
                    "from": {"id": 123456789, "is_bot": True, "first_name": "NExTWORK"},
                    "text": "an old message",
                },
            }
        }
    )
    return chat.wait()


# --- invite links ------------------------------------------------------------------------------


def test_each_bad_link_gets_its_own_kind_answer(running_bot, new_chat, invite_for, consultant):
    chat = new_chat()
    (reply,) = chat.say("/start not-a-real-token")
    assert reply.text == INVALID

    _used_youth, used = invite_for()
    other = new_chat("Someone")
    consent = other.say(f"/start {used}")[0]
    other.press(data_of(consent, "Ja"))
    (reply,) = chat.say(f"/start {used}")
    assert reply.text == "Linket er allerede brugt. Spørg din konsulent om et nyt."

    expired_youth, expired = invite_for()
    Invite.objects.filter(youth=expired_youth).update(expires_at=timezone.now() - timedelta(days=1))
    (reply,) = chat.say(f"/start {expired}")
    assert reply.text == "Linket er udløbet. Spørg din konsulent om et nyt."

    revoked_youth, revoked = invite_for()
    invite_create(youth=revoked_youth, actor=consultant.user)
    (reply,) = chat.say(f"/start {revoked}")
    assert reply.text.startswith("Linket er erstattet af et nyere.")

    left_youth, closed = invite_for()
    youth_leave(youth=left_youth, actor=consultant.user, destination="unknown")
    (reply,) = chat.say(f"/start {closed}")
    assert reply.text.startswith("Linket virker ikke længere, fordi din profil er lukket.")

    for garbage in ["x" * 5000, "مرحبا", "🙂🙂", "a b c"]:
        (reply,) = chat.say(f"/start {garbage}")
        assert reply.text == INVALID
    # A profile already linked to another Telegram account (e.g. an invite left over from
    # before linking: services revoke those, so it is made here directly).
    linked = f.YouthFactory(municipality=consultant.municipality)
    Invite.objects.create(
        youth=linked,
        token_hash=token_hash("left-over-token"),
        expires_at=timezone.now() + timedelta(days=1),
    )
    (reply,) = chat.say("/start left-over-token")
    assert reply.text.startswith("Profilen er allerede forbundet med en Telegram-konto.")
    texts_seen = {m.text for m in chat.standin.messages(chat.user)}
    assert len(texts_seen) == 6  # six different explanations, none of them an error


def test_a_link_for_a_profile_linked_to_someone_else(running_bot, new_chat, invite_for):
    youth, token = invite_for()
    first, second = new_chat("First"), new_chat("Second")
    consent_first = first.say(f"/start {token}")[0]
    consent_second = second.say(f"/start {token}")[0]
    first.press(data_of(consent_first, "Ja"))
    (reply,) = second.press(data_of(consent_second, "Ja"))
    assert reply.text == "Linket er allerede brugt. Spørg din konsulent om et nyt."
    youth.refresh_from_db()
    assert youth.telegram_user_id == first.user.id


def test_an_already_linked_account_opening_another_link_keeps_its_profile(linked_chat, invite_for):
    chat, _youth = linked_chat()
    other_youth, token = invite_for()
    (reply,) = chat.say(f"/start {token}")
    assert reply.text.startswith("Din Telegram er allerede koblet til din profil")
    assert labels(reply) == MENU_LABELS
    other_youth.refresh_from_db()
    assert other_youth.telegram_user_id is None


def test_no_thanks_to_consent_stores_nothing(running_bot, new_chat, invite_for):
    youth, token = invite_for()
    chat = new_chat()
    chat.say(f"/start {token}")
    (reply,) = chat.tap("Nej tak")
    assert "ikke gemt noget" in reply.text
    youth.refresh_from_db()
    assert youth.telegram_user_id is None and youth.consent_at is None
    assert not ChatState.objects.filter(chat_id=chat.user.id).exists()
    assert labels(reply) == []
    # The link still works afterwards.
    (consent,) = chat.say(f"/start {token}")
    (again,) = chat.press(data_of(consent, "Ja"))
    assert again.text.startswith("Velkommen")


def test_the_municipalitys_own_privacy_text_is_shown(running_bot, new_chat, invite_for):
    youth, token = invite_for()
    type(youth.municipality).objects.filter(pk=youth.municipality_id).update(
        privacy_text="Roskilde Kommune behandler dine oplysninger som myndighed."
    )
    (consent,) = new_chat().say(f"/start {token}")
    assert consent.text.startswith("Roskilde Kommune behandler")


# --- strangers ----------------------------------------------------------------------------------


def test_someone_never_linked_gets_a_kind_answer_everywhere(running_bot, new_chat):
    chat = new_chat(language_code="en")
    (reply,) = chat.say("hello")
    assert reply.text.startswith("I work best with buttons. If you have a link")
    (reply,) = forged_press(chat, cb.encode(cb.MENU, "show"))
    assert reply.text.startswith("I don't know you yet.")
    (reply,) = forged_press(chat, cb.encode(cb.BROWSE, "list", Filter()))
    assert reply.text.startswith("I don't know you yet.")
    (reply,) = chat.say("/start")
    assert "personal link from your consultant" in reply.text


def test_a_youth_who_left_is_a_stranger_again(linked_chat, consultant):
    chat, youth = linked_chat()
    # No offer to ask later (its message would race the answer below; see test_followups.py).
    Municipality.objects.filter(pk=youth.municipality_id).update(followup_months=[])
    youth.refresh_from_db()
    youth_leave(youth=youth, actor=consultant.user, destination="unknown")
    (reply,) = forged_press(chat, cb.encode(cb.INTEREST, "list"))
    assert reply.text.startswith("Jeg kender dig ikke endnu.")


# --- buttons ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "garbage",
        "",
        "v0:slot:open:1",
        "v1:slot:open:abc:0.a.0.0",
        "v1:slot:explode:1",
        "v1:" + "x" * 61,
        "v1:set:lang:de",
        "v1:chk:score:1:9",
        "🙂",
    ],
)
def test_forged_or_malformed_button_data_gets_the_menu(linked_chat, data):
    chat, _youth = linked_chat()
    (reply,) = forged_press(chat, data)
    assert reply.text == "Den knap virker ikke længere. Her er menuen."
    assert labels(reply) == MENU_LABELS


def test_a_button_for_something_that_does_not_exist(linked_chat):
    chat, _youth = linked_chat()
    for data in [
        cb.encode(cb.SLOT, "open", 999999, Filter()),
        cb.encode(cb.EVENT, "signup", 999999),
        cb.encode(cb.MEETING, "excuse", 999999),
        cb.encode(cb.CHECKIN, "score", 999999, 3),
        cb.encode(cb.SETTINGS, "sector", 999999),
    ]:
        (reply,) = forged_press(chat, data)
        assert reply.text.startswith("Jeg kan ikke finde det længere") or "Tryk på de brancher" in (
            reply.text
        ), data
        assert reply.buttons


def test_the_button_of_a_slot_that_closed_or_was_deleted(linked_chat, company, consultant):
    chat, youth = linked_chat()
    closing = f.SlotFactory(company=company, title="Lukker snart")
    going = f.SlotFactory(company=company, title="Forsvinder")
    (_listing,) = chat.tap("🔎 Find pladser")
    (_card,) = chat.tap("Lukker snart · Bageriet ApS")
    slot_close(slot=closing, actor=consultant.user)
    (reply,) = chat.tap("🙋 Jeg er interesseret")
    assert reply.text.startswith("Jeg kan ikke finde det længere")
    assert labels(reply) == MENU_LABELS
    assert not Interest.objects.filter(youth=youth).exists()

    going_data = cb.encode(cb.SLOT, "open", going.pk, Filter())
    going.delete()
    (reply,) = forged_press(chat, going_data)
    assert reply.text.startswith("Jeg kan ikke finde det længere")


def test_a_button_meant_for_another_youths_record(linked_chat, slot, municipality):
    chat, _youth = linked_chat()
    other = f.YouthFactory(municipality=municipality)
    theirs = interest_show(youth=other, slot=slot, actor=other, message="mine")
    for data in [
        cb.encode(cb.INTEREST, "open", theirs.pk),
        cb.encode(cb.INTEREST, "withdrawyes", theirs.pk),
    ]:
        (reply,) = forged_press(chat, data)
        assert reply.text.startswith("Jeg kan ikke finde det længere")
    theirs.refresh_from_db()
    assert theirs.status == Interest.Status.PENDING


def test_pressing_the_same_button_twice_is_harmless(linked_chat, slot):
    chat, youth = linked_chat()
    (listing,) = chat.tap("🔎 Find pladser")
    (_card,) = chat.tap(labels(listing)[0])
    (ask,) = chat.tap("🙋 Jeg er interesseret")
    send = data_of(ask, "Send uden")
    (done,) = chat.press(send)
    assert "kan nu se, at du er interesseret" in done.text
    (again,) = forged_press(chat, send)
    assert again.text == "Der er allerede vist interesse for denne praktikplads."
    assert Interest.objects.filter(youth=youth).count() == 1


# --- text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["hej", "🙂🎉👍🏽", "مرحبا، أريد وظيفة", "שלום", "\u202ehidden\u202c"]
)
def test_free_text_at_the_menu_is_offered_to_the_consultant(linked_chat, text):
    chat, _youth = linked_chat()
    (reply,) = chat.say(text)
    assert reply.text.startswith("Skal jeg sende det her til Test?")
    assert text in reply.text
    assert labels(reply) == ["✉️ Ja, send den", "Nej, send ikke"]


@pytest.mark.parametrize(("text", "answer"), [("x" * 5000, "Beskeden er lidt lang (5000 tegn)")])
def test_free_text_too_long_for_the_consultant_gets_a_kind_answer(linked_chat, text, answer):
    chat, _youth = linked_chat()
    (reply,) = chat.say(text)
    assert reply.text.startswith(answer)
    assert labels(reply) == MENU_LABELS


def test_an_unknown_command_gets_a_kind_answer(linked_chat):
    chat, _youth = linked_chat()
    (reply,) = chat.say("/unknown")
    assert reply.text == "Tak for din besked! Jeg er bedst til knapperne. Her er menuen."
    assert labels(reply) == MENU_LABELS


def test_free_text_while_the_consent_question_waits(running_bot, new_chat, invite_for):
    youth, token = invite_for()
    chat = new_chat()
    chat.say(f"/start {token}")
    (reply,) = chat.say("hvad betyder det?")
    assert reply.text.startswith("Jeg er bedst til knapper. Har du et link")
    youth.refresh_from_db()
    assert youth.telegram_user_id is None


def test_the_interest_message_step_takes_emoji_and_rtl_and_refuses_5000_characters(
    linked_chat, slot
):
    chat, youth = linked_chat()
    (listing,) = chat.tap("🔎 Find pladser")
    chat.tap(labels(listing)[0])
    chat.tap("🙋 Jeg er interesseret")
    (too_long,) = chat.say("x" * 5000)
    assert "lidt lang (5000 tegn)" in too_long.text
    assert not Interest.objects.filter(youth=youth).exists()
    (done,) = chat.say("مرحبا 🙂 שלום")
    assert "kan nu se" in done.text
    assert Interest.objects.get(youth=youth).message == "مرحبا 🙂 שלום"
    # The step is over: the next text is for the consultant again.
    (reply,) = chat.say("tak!")
    assert reply.text.startswith("Skal jeg sende det her til")


def test_a_sticker_or_photo_gets_a_kind_answer(linked_chat):
    chat, _youth = linked_chat()
    chat.standin.inject_update(
        {
            "message": {
                "message_id": 9999,
                "date": 0,
                "chat": chat.user.chat(),
                "from": chat.user.to_api(),
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "s",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                },
            }
        }
    )
    (reply,) = chat.wait()
    assert reply.text.startswith("Tak for din besked!")


def test_state_survives_a_restart_of_the_bot(standin, running_bot, linked_chat, slot):
    chat, youth = linked_chat()
    (listing,) = chat.tap("🔎 Find pladser")
    chat.tap(labels(listing)[0])
    chat.tap("🙋 Jeg er interesseret")
    running_bot.stop()
    from tests.bot.conftest import BotThread

    restarted = BotThread(standin)
    restarted.start()
    try:
        (done,) = chat.say("Jeg kommer gerne på tirsdag")
        assert "kan nu se" in done.text
        assert Interest.objects.get(youth=youth).message == "Jeg kommer gerne på tirsdag"
    finally:
        restarted.stop()
    assert Youth.objects.filter(pk=youth.pk, erased_at__isnull=True).exists()


def test_an_unexpected_failure_is_never_silent(linked_chat, monkeypatch):
    chat, _youth = linked_chat()

    def broken(ctx):
        raise RuntimeError("a bug")

    monkeypatch.setattr("bot.handlers.menu._help", broken)
    (reply,) = chat.tap("❓ Hjælp")
    assert reply.text == "Undskyld, noget gik galt hos os. Prøv igen om lidt."
    monkeypatch.undo()
    (reply,) = chat.say("hej")
    assert reply.text.startswith("Skal jeg sende det her til")


def test_a_consent_button_pressed_in_a_group_links_nothing(running_bot, new_chat, invite_for):
    youth, token = invite_for()
    chat = new_chat()
    group = {"id": -100123, "type": "group", "title": "Klassen"}
    chat.standin.inject_update(
        {
            "callback_query": {
                "id": "group-press",
                "from": chat.user.to_api(),
                "chat_instance": "group",
                "data": cb.encode(cb.CONSENT, "yes", token),
                "message": {"message_id": 1, "date": 0, "chat": group, "text": "old"},
            }
        }
    )
    chat.standin.send_text(chat.user, "/start")  # the bot is alive and answers in private
    (reply,) = chat.wait()
    assert "NExTWORK" in reply.text
    youth.refresh_from_db()
    assert youth.telegram_user_id is None
