"""End to end: messages pushed through the outbox reach the youth in their language, with their
buttons, and the flows those buttons start (check-in, "I can't come") work."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from domain.models import Attendance, CheckIn, OutboxMessage, Placement
from domain.services.interests import interest_accept, interest_show
from domain.services.outbox import outbox_push
from domain.services.placements import placement_approve, placement_propose
from domain.services.signups import youth_signup, youth_signup_cancel
from tests import factories as f
from tests.bot.conftest import labels, sent_row

pytestmark = pytest.mark.django_db(transaction=True)
Kind = OutboxMessage.Kind


def push(**kwargs) -> OutboxMessage:
    """What a service does inside its transaction: push one message."""
    with transaction.atomic():
        return outbox_push(**kwargs)


@pytest.mark.parametrize(
    ("language", "accepted", "approved"),
    [
        ("da", "Godt nyt! 🎉 Bageriet ApS vil gerne møde dig om Kassepraktik.", "er godkendt!"),
        (
            "en",
            "Good news! 🎉 Bageriet ApS would like to meet you about Kassepraktik.",
            "approved!",
        ),
    ],
)
def test_company_accepting_and_consultant_approving_reach_the_youth_in_their_language(
    linked_chat, company, company_member, consultant, language, accepted, approved
):
    chat, youth = linked_chat(language=language)
    slot = f.SlotFactory(company=company, title="Kassepraktik", hours_min=10, hours_max=20)
    interest = interest_show(youth=youth, slot=slot, actor=youth)
    interest_accept(
        interest=interest,
        actor=company_member.user,
        intro_meeting_at=timezone.now() + timedelta(days=2),
        intro_meeting_place="Algade 1",
    )
    (message,) = chat.wait()
    assert message.text.startswith(accepted)
    assert "Algade 1" in message.text
    assert sent_row(youth, Kind.INTEREST_ACCEPTED).telegram_message_id == message.message_id

    placement = placement_propose(
        interest=interest,
        actor=youth,
        hours_per_week=15,
        start_date=timezone.localdate() + timedelta(days=7),
    )
    placement_approve(placement=placement, actor=consultant.user)
    (message,) = chat.wait()
    assert approved in message.text and "Bageriet ApS" in message.text
    assert sent_row(youth, Kind.PLACEMENT_APPROVED).telegram_message_id == message.message_id


def test_a_waitlist_promotion_in_english(linked_chat, municipality):
    chat, youth = linked_chat(language="en")
    event = f.EventFactory(municipality=municipality, title="Match day", youth_capacity=1)
    seated = f.YouthFactory(municipality=municipality)
    first = youth_signup(event=event, youth=seated, actor=seated)
    youth_signup(event=event, youth=youth, actor=youth)
    youth_signup_cancel(signup=first, actor=seated)
    (message,) = chat.wait()
    assert message.text.startswith("A seat became free: you now have a seat at Match day")
    (details,) = chat.press(message.buttons[0][0].callback_data)
    assert "✅ You have a seat." in details.text


def test_the_weekly_check_in_score_sentence_and_sharing(linked_chat, company):
    chat, youth = linked_chat()
    placement = f.PlacementFactory(
        youth=youth, slot=f.SlotFactory(company=company), status=Placement.Status.ACTIVE
    )
    push(recipient=youth, kind=Kind.CHECKIN_PROMPT, subject=placement)
    (prompt,) = chat.wait()
    assert prompt.text.startswith("Hej Amal! Hvordan var ugen hos Bageriet ApS?")
    assert labels(prompt) == ["1", "2", "3", "4", "5"]
    (ask,) = chat.tap("4")
    assert "én sætning" in ask.text
    (share,) = chat.say("Søde kolleger, jeg lærte kassen 🙂")
    assert "Må andre unge læse din sætning" in share.text
    (thanks,) = chat.tap("Ja, del den")
    assert thanks.text.startswith("Tak fordi du deler!")
    checkin = CheckIn.objects.get(placement=placement)
    assert (checkin.score, checkin.text, checkin.shared) == (
        4,
        "Søde kolleger, jeg lærte kassen 🙂",
        True,
    )
    youth.refresh_from_db()
    assert youth.share_experiences


def test_a_check_in_without_a_sentence(linked_chat, company):
    chat, youth = linked_chat()
    placement = f.PlacementFactory(
        youth=youth, slot=f.SlotFactory(company=company), status=Placement.Status.ACTIVE
    )
    push(recipient=youth, kind=Kind.CHECKIN_PROMPT, subject=placement)
    chat.wait()
    chat.tap("2")
    (thanks,) = chat.tap("Spring over")
    assert thanks.text.startswith("Tak fordi du checkede ind!")
    assert CheckIn.objects.get(placement=placement).text == ""
    # A second answer the same week (an old prompt's buttons) is refused kindly.
    push(recipient=youth, kind=Kind.CHECKIN_PROMPT, subject=placement)
    chat.wait()
    chat.tap("5")
    (again,) = chat.tap("Spring over")
    assert again.text == "Du har allerede tjekket ind i denne uge."
    assert labels(again)[0] == "🔎 Find pladser"


def test_a_meeting_reminder_carries_i_cant_come(linked_chat, municipality):
    group = f.GroupFactory(municipality=municipality)
    chat, youth = linked_chat(group=group)
    meeting = f.MeetingFactory(group=group, place="Ungehuset")
    push(
        recipient=youth,
        kind=Kind.MEETING_REMINDER,
        subject=meeting,
        payload={"starts_at": meeting.starts_at.isoformat(), "place": meeting.place},
    )
    (reminder,) = chat.wait()
    assert reminder.text.startswith("Husk: gruppemøde") and "Ungehuset" in reminder.text
    assert labels(reminder)[0].startswith("Jeg kan ikke komme")
    (excused,) = chat.tap(labels(reminder)[0])
    assert excused.text.startswith("Tak fordi du siger til.")
    assert Attendance.objects.get(meeting=meeting, youth=youth).status == "excused"
    (_menu,) = chat.tap("🏠 Menu")
    (meetings,) = chat.tap("📅 Mine møder")
    assert "(du har meldt afbud)" in meetings.text


def test_a_youth_whose_company_has_not_answered_is_told_kindly_and_may_keep_waiting_or_withdraw(
    linked_chat, company, company_member, consultant
):
    from datetime import UTC, datetime

    from domain.models import Interest
    from domain.services.waiting import interests_chase_unanswered

    chat, youth = linked_chat()
    slot = f.SlotFactory(company=company, title="Kassepraktik")
    created = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # a Monday before Easter
    first = f.InterestFactory(youth=youth, slot=slot, created_at=created)
    second = f.InterestFactory(youth=youth, slot=f.SlotFactory(company=company), created_at=created)
    # Five working days: Tuesday, Wednesday, (Easter) Tuesday, Wednesday, Thursday 9 April.
    interests_chase_unanswered(now=datetime(2026, 4, 9, 9, 0, tzinfo=UTC))
    told = chat.wait(2)
    assert all("ikke svaret på din interesse" in m.text for m in told)
    assert "din konsulent ved det" in told[0].text
    assert labels(told[0])[:2] == ["Jeg venter gerne", "Træk min interesse tilbage"]
    by_interest = {m.buttons[0][0].callback_data.rsplit(":", 1)[1]: m for m in told}

    (kept,) = chat.press(by_interest[str(first.pk)].buttons[0][0].callback_data)
    assert kept.text.startswith("Godt, din interesse forbliver åben.")
    first.refresh_from_db()
    assert first.keep_waiting_at is not None and first.status == Interest.Status.PENDING

    chat.press(by_interest[str(second.pk)].buttons[1][0].callback_data)
    (done,) = chat.tap("Ja, træk tilbage")
    assert done.text == "Din interesse er trukket tilbage."
    second.refresh_from_db()
    assert second.status == Interest.Status.WITHDRAWN
