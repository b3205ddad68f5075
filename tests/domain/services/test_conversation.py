"""The conversation between a youth and their consultants: who may write and read, quiet hours
on the consultant's side only, and what the audit trail, the export and erasure keep."""

from datetime import UTC, datetime
from functools import partial

import pytest
import time_machine

from domain.exceptions import DomainError
from domain.models import AuditEntry, OutboxMessage, Youth, YouthMessage
from domain.selectors.conversation import conversations_for_user, message_addressee
from domain.selectors.timeline import youth_timeline
from domain.services.conversation import message_from_youth, message_to_youth
from domain.services.privacy import youth_erase, youth_export
from tests import factories as f
from tests import helpers

DAY = datetime(2026, 11, 27, 13, 30, tzinfo=UTC)  # 14:30 in Copenhagen
NIGHT = datetime(2026, 11, 27, 22, 30, tzinfo=UTC)  # 23:30 in Copenhagen: quiet hours
MORNING = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)  # 08:00 in Copenhagen

MATRIX = [
    ("youth_self", False),
    ("other_youth", False),
    ("own_company", False),
    ("other_company", False),
    ("own_consultant", True),
    ("other_consultant", False),
    ("admin", True),
    ("system", False),
]
MODELS = (YouthMessage, OutboxMessage, AuditEntry)
refused = partial(helpers.refused, models=MODELS)
pytestmark = pytest.mark.django_db


def test_a_youths_message_reaches_their_consultant_at_once_even_at_night(
    youth, consultant, published, django_capture_on_commit_callbacks
):
    with time_machine.travel(NIGHT, tick=False), django_capture_on_commit_callbacks(execute=True):
        message = message_from_youth(youth=youth, text="  hej, hvornår får jeg svar?  ")
    assert message.text == "hej, hvornår får jeg svar?"
    assert message.direction == YouthMessage.Direction.FROM_YOUTH
    assert message.consultant == consultant
    assert message.created_at == NIGHT
    # Nothing is queued for the youth, and no quiet hours stand between it and the consultant:
    # the only row is the consultant's e-mail, due at once (unless they chose a digest or off).
    assert not OutboxMessage.objects.filter(channel=OutboxMessage.Channel.TELEGRAM).exists()
    [email] = OutboxMessage.objects.filter(channel=OutboxMessage.Channel.EMAIL)
    assert (email.user, email.kind, email.due_at) == (
        consultant.user,
        OutboxMessage.Kind.YOUTH_MESSAGE,
        NIGHT,
    )
    # No company_id: the conversation is never routed to a company, not even as an event.
    # (The e-mail's own "outbox.enqueued" carries no company either.)
    assert [(e.type, e.data) for e in published if e.type != "outbox.enqueued"] == [
        (
            "message.created",
            {"id": message.pk, "municipality_id": youth.municipality_id, "youth_id": youth.pk},
        )
    ]
    assert all("company_id" not in e.data for e in published)


def test_the_audit_trail_records_that_a_message_was_sent_never_its_words(youth, consultant):
    sent = message_to_youth(youth=youth, actor=consultant.user, text="Vi ses tirsdag, Asta")
    received = message_from_youth(youth=youth, text="Tak, Mette")
    entries = AuditEntry.objects.filter(action="message.send").order_by("pk")
    assert [(e.target_id, e.actor_label, e.data) for e in entries] == [
        (sent.pk, f"user:{consultant.user.pk}", {"direction": "to_youth"}),
        (received.pk, f"youth:{youth.pk}", {"direction": "from_youth"}),
    ]
    everything = str(list(AuditEntry.objects.values()))
    assert "tirsdag" not in everything and "Tak" not in everything


def test_a_youth_without_a_contact_consultant_reaches_the_municipalitys_consultants(
    municipality, consultant
):
    youth = f.YouthFactory(municipality=municipality, contact_consultant=None)
    colleague = f.ConsultantFactory(municipality=municipality, user__username="colleague")
    assert message_addressee(youth=youth) is None
    message = message_from_youth(youth=youth, text="Hej")
    assert message.consultant is None
    for user in (consultant.user, colleague.user):
        mine = conversations_for_user(user=user, mine_only=True)
        assert [c.last for c in mine] == [message]
        assert mine[0].waiting


def test_the_bot_names_the_contact_consultant_by_first_name(youth, consultant):
    consultant.user.first_name = "Mette"
    consultant.user.save()
    assert message_addressee(youth=youth) == "Mette"


def test_a_consultants_inbox_mine_only_leaves_out_a_colleagues_youth(municipality, consultant):
    colleague = f.ConsultantFactory(municipality=municipality, user__username="colleague")
    theirs = f.YouthFactory(municipality=municipality, contact_consultant=colleague)
    message = message_from_youth(youth=theirs, text="Hej")
    assert conversations_for_user(user=consultant.user, mine_only=True) == []
    assert [c.last for c in conversations_for_user(user=consultant.user)] == [message]


@pytest.mark.parametrize(("role", "allowed"), MATRIX)
def test_who_may_write_to_a_youth(youth, actor_of, role, allowed):
    actor = actor_of(role)
    if allowed:
        message = message_to_youth(youth=youth, actor=actor, text="Hej")
        assert YouthMessage.objects.get(pk=message.pk).youth == youth
    else:
        refused("forbidden", lambda: message_to_youth(youth=youth, actor=actor, text="Hej"))


@pytest.mark.parametrize(("role", "allowed"), MATRIX)
def test_who_may_read_the_conversation(youth, actor_of, role, allowed):
    message = message_from_youth(youth=youth, text="Hej")
    user = actor_of(role)
    conversations = conversations_for_user(user=user) if not isinstance(user, Youth) else []
    if allowed:
        assert [c.last for c in conversations] == [message]
        assert youth_timeline(user=user, youth_id=youth.pk).messages == [message]
    else:
        assert conversations == []
        with pytest.raises(DomainError) as info:
            youth_timeline(user=user, youth_id=youth.pk)
        assert info.value.code == "not_found"


def test_a_consultants_message_by_day_is_due_at_once(youth, consultant):
    consultant.user.first_name = "Mette"
    consultant.user.save()
    with time_machine.travel(DAY, tick=False):
        message = message_to_youth(youth=youth, actor=consultant.user, text="Hej Asta")
    delivery = message.delivery
    assert delivery.kind == OutboxMessage.Kind.CONSULTANT_MESSAGE
    assert delivery.recipient == youth
    assert delivery.due_at == DAY
    assert delivery.status == OutboxMessage.Status.PENDING
    assert delivery.payload == {"text": "Hej Asta", "sender": "Mette"}


def test_a_consultants_message_at_night_is_held_until_the_morning(youth, consultant):
    with time_machine.travel(NIGHT, tick=False):
        message = message_to_youth(youth=youth, actor=consultant.user, text="Godnat")
    assert message.delivery.due_at == MORNING
    assert message.delivery.status == OutboxMessage.Status.PENDING


@pytest.mark.parametrize(
    "change",
    [
        {"telegram_chat_id": None, "telegram_user_id": None},
        {"status": Youth.Status.LEFT},
        {"unreachable_at": DAY},
    ],
    ids=["not linked", "left", "blocked the bot"],
)
def test_a_message_the_bot_cannot_deliver_is_refused(municipality, consultant, change):
    youth = f.YouthFactory(municipality=municipality, **change)
    refused(
        "youth_unreachable",
        lambda: message_to_youth(youth=youth, actor=consultant.user, text="Hej"),
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "text_required"), ("  \n ", "text_required"), ("x" * 2001, "text_too_long")],
)
def test_a_message_needs_words_and_at_most_2000_characters(youth, consultant, text, code):
    refused(code, lambda: message_to_youth(youth=youth, actor=consultant.user, text=text))
    refused(code, lambda: message_from_youth(youth=youth, text=text))


def test_an_erased_or_departed_youth_cannot_write(municipality):
    left = f.YouthFactory(municipality=municipality, status=Youth.Status.LEFT)
    refused("forbidden", lambda: message_from_youth(youth=left, text="Hej"))


def test_the_export_holds_the_conversation(youth, consultant):
    sent = message_to_youth(youth=youth, actor=consultant.user, text="Hej Asta")
    message_from_youth(youth=youth, text="Hej Mette")
    data = youth_export(youth=youth, actor=consultant.user)
    assert [(m["direction"], m["text"], m["delivery"]) for m in data["conversation"]] == [
        ("to_youth", "Hej Asta", "pending"),
        ("from_youth", "Hej Mette", None),
    ]
    assert {(a["record"], a["record_id"]) for a in data["audit"]} >= {
        ("portal.youthmessage", sent.pk)
    }


def test_erasure_removes_every_message_and_its_words_in_the_outbox(youth, consultant):
    with time_machine.travel(NIGHT, tick=False):
        sent = message_to_youth(youth=youth, actor=consultant.user, text="Hej Asta")
        message_from_youth(youth=youth, text="Mit telefonnummer er 12 34 56 78")
        youth_erase(youth=youth, actor=consultant.user)
    assert not YouthMessage.objects.exists()
    delivery = OutboxMessage.objects.get(pk=sent.delivery_id)
    assert delivery.payload == {}
    assert delivery.status == OutboxMessage.Status.CANCELLED
    assert conversations_for_user(user=consultant.user) == []
    erased = Youth.objects.get(pk=youth.pk)
    refused("forbidden", lambda: message_from_youth(youth=erased, text="Hej"))
    refused(
        "youth_unreachable",
        lambda: message_to_youth(youth=erased, actor=consultant.user, text="Hej"),
    )
