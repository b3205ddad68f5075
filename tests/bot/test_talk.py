"""End to end through the stand-in: a youth writes to their consultant, the consultant answers
from the portal's service and the bot delivers it; quiet hours hold only the consultant's side."""

import datetime as dt

from django.utils import timezone

from bot import callbacks as cb
from bot.models import ChatState
from domain.models import Municipality, OutboxMessage, YouthMessage
from domain.selectors.conversation import conversations_for_user
from domain.services.conversation import message_to_youth
from domain.services.privacy import youth_erase
from domain.timeutils import to_local

from .conftest import sent_row
from .test_bad_input import forged_press

SEND = cb.encode(cb.TALK, "send")
DROP = cb.encode(cb.TALK, "drop")


def _name(consultant, first_name: str) -> None:
    consultant.user.first_name = first_name
    consultant.user.save()


def test_free_text_is_offered_to_the_consultant_and_sent_on_yes(linked_chat, consultant):
    _name(consultant, "Mette")
    chat, youth = linked_chat("Asta")
    (question,) = chat.say("hej, hvornår får jeg svar fra bageriet?")
    assert question.text.startswith("Skal jeg sende det her til Mette?")
    assert "hej, hvornår får jeg svar fra bageriet?" in question.text
    assert not YouthMessage.objects.exists()  # nothing is sent before the youth says yes
    (done,) = chat.press(SEND)
    assert done.text.startswith("Sendt til Mette.")
    message = YouthMessage.objects.get()
    assert (message.youth, message.text, message.consultant) == (
        youth,
        "hej, hvornår får jeg svar fra bageriet?",
        consultant,
    )
    # The draft is gone from the chat state once sent: a second press sends nothing twice.
    assert ChatState.objects.get(chat_id=chat.user.id).data == {}
    (again,) = forged_press(chat, SEND)  # a double tap that arrives after the edit
    assert again.text.startswith("Der venter ingen besked")
    assert YouthMessage.objects.count() == 1


def test_no_thanks_forgets_the_draft(linked_chat, consultant):
    chat, _youth = linked_chat()
    chat.say("bare en test")
    (reply,) = chat.press(DROP)
    assert reply.text.startswith("OK, jeg sendte den ikke.")
    assert not YouthMessage.objects.exists()
    assert ChatState.objects.get(chat_id=chat.user.id).data == {}


def test_a_youth_without_a_contact_consultant_writes_to_the_municipalitys_consultants(
    linked_chat, consultant
):
    chat, youth = linked_chat()
    youth.contact_consultant = None
    youth.save()
    (question,) = chat.say("hej")
    assert question.text.startswith("Skal jeg sende det her til dine konsulenter?")
    (done,) = chat.press(SEND)
    assert done.text.startswith("Sendt til dine konsulenter.")
    assert YouthMessage.objects.get().consultant is None


def test_a_message_too_long_for_the_consultant_is_not_kept(linked_chat, consultant):
    chat, _youth = linked_chat()
    (reply,) = chat.say("x" * 2001)
    assert "2001" in reply.text
    assert not YouthMessage.objects.exists()


def test_the_consultants_answer_arrives_in_the_chat(linked_chat, consultant):
    _name(consultant, "Mette")
    chat, youth = linked_chat("Asta")
    message = message_to_youth(
        youth=youth, actor=consultant.user, text="Hej Asta, de svarer i dag."
    )
    (pushed,) = chat.wait()
    assert pushed.text.startswith("✉️ Fra Mette, din konsulent:")
    assert "Hej Asta, de svarer i dag." in pushed.text
    row = sent_row(youth, OutboxMessage.Kind.CONSULTANT_MESSAGE)
    assert row.pk == message.delivery_id


def test_at_night_the_youth_is_answered_at_once_and_the_consultants_reply_waits(
    linked_chat, consultant, municipality
):
    chat, youth = linked_chat("Asta")
    # Quiet hours around this very moment, whenever the test runs.
    local = to_local(timezone.now(), municipality.timezone)
    start = (local - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    Municipality.objects.filter(pk=municipality.pk).update(
        quiet_hours_start=start, quiet_hours_end=end
    )
    chat.say("kan du ringe i morgen?")
    (done,) = chat.press(SEND)
    assert done.text.startswith("Sendt til")
    assert YouthMessage.objects.filter(direction="from_youth").count() == 1
    youth.refresh_from_db()
    answer = message_to_youth(youth=youth, actor=consultant.user, text="Ja, kl. 10")
    delivery = OutboxMessage.objects.get(pk=answer.delivery_id)
    assert delivery.status == OutboxMessage.Status.PENDING
    assert to_local(delivery.due_at, municipality.timezone).time() == end
    assert all("Ja, kl. 10" not in m.text for m in chat.standin.messages(chat.user))


def test_a_company_member_is_never_part_of_it(linked_chat, consultant, company_member):
    chat, youth = linked_chat()
    chat.say("hej")
    chat.press(SEND)
    assert YouthMessage.objects.filter(youth=youth).count() == 1
    assert conversations_for_user(user=company_member.user) == []


def test_an_unsent_draft_goes_with_an_erasure_by_staff(linked_chat, consultant):
    chat, youth = linked_chat()
    chat.say("mit nummer er 12 34 56 78, ring")
    assert "12 34 56 78" in str(ChatState.objects.get(chat_id=chat.user.id).data)
    youth_erase(youth=youth, actor=consultant.user)
    assert not ChatState.objects.filter(chat_id=chat.user.id).exists()
