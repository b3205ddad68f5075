"""Erasure cannot miss a table: a youth gets a distinctive value in every personal field and
free-text path (the bot's stored updates and chat state included), is erased, and then every
text and JSON column of every model, the admin log included, is read back: none of the values
may remain.

The test is generic over ``apps.get_models()``. A model with a free-text or JSON column must
either have a *seeder* in ``SEEDERS`` (which writes the youth's distinctive values into it the
way the product does) or be declared in ``NOT_ABOUT_A_YOUTH`` with the reason; a new model that
is neither fails ``test_every_model_with_free_text_is_seeded_or_declared``. So a branch that
adds, say, conversation messages must seed them here, and erasure must then clear them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models
from django.utils import timezone

from bot.chat_state import state_set
from bot.models import ChatState, WebhookUpdate
from bot.privacy import CHAT_STATE_RETENTION, UPDATE_RETENTION
from bot.webhook import inbox_done, inbox_store
from domain.models import Invite, OutboxMessage, Placement, Youth
from domain.selectors.youth import youth_get_for_user
from domain.services.checkins import checkin_submit
from domain.services.conversation import message_from_youth, message_to_youth
from domain.services.housekeeping import housekeeping_run
from domain.services.interests import interest_decline, interest_show
from domain.services.notes import note_create
from domain.services.outbox import outbox_push
from domain.services.privacy import youth_erase, youth_export
from domain.services.youth import youth_update
from tests import factories as f

# Each value is written into one path only, so a failure names the path that leaked.
VALUES = {
    "first_name": "Ysoldewyn",
    "last_name": "Quarnstrøm",
    "telegram_username": "ysolde_q_2008",
    "telegram_id": "7319468250",
    "interest_message": "Hvalrosmotiv i bageriet",
    "decline_reason": "Ysoldes mormor ringede",
    "intro_place": "Bagindgangen ved Quarnstrøms cykel",
    "reject_reason": "Skal til psykolog torsdag",
    "end_reason": "Flyttede til moster Gurli",
    "checkin_text": "Mester Bjarkild er streng",
    "note_text": "Talte med Bjarkild om angsten",
    "outbox_note": "payload-zephyrinus",
    "bot_text": "mit cpr står på sedlen zanzibarfisk",
    "bot_callback": "v1:slot:open:zanzibar",
    "chat_draft": "halvskrevet besked om krokodillefrø",
    "message_from_youth": "hvornår svarer Bjarkilds bageri mon",
    "message_to_youth": "Vi ses ved Quarnstrøm-bænken tirsdag",
    "referral_reference": "QRN-2026-88431",
}
TELEGRAM_ID = int(VALUES["telegram_id"])
BIRTH_DATE = date(2008, 2, 29)


@dataclass
class World:
    municipality: object
    consultant: object
    company: object
    slot: object
    youth: Youth | None = None


Seeder = Callable[[World], None]


def _seed_youth(world: World) -> None:
    youth = f.YouthFactory(
        municipality=world.municipality,
        first_name="Midlertidig",
        telegram_user_id=TELEGRAM_ID,
        telegram_chat_id=TELEGRAM_ID,
        telegram_username=VALUES["telegram_username"],
        contact_consultant=world.consultant,
        share_experiences=True,
    )
    # The consultant's correction goes through the service, so its audit entry is made too.
    world.youth = youth_update(
        youth=youth,
        actor=world.consultant.user,
        first_name=VALUES["first_name"],
        last_name=VALUES["last_name"],
        birth_date=BIRTH_DATE,
    )


def _seed_invite(world: World) -> None:
    Invite.objects.create(
        youth=world.youth,
        token_hash="e" * 64,
        expires_at=timezone.now() + timedelta(days=3),
        used_at=timezone.now(),
        used_by_telegram_id=TELEGRAM_ID,
    )


def _seed_interests(world: World) -> None:
    youth, user = world.youth, world.consultant.user
    interest_show(youth=youth, slot=world.slot, actor=youth, message=VALUES["interest_message"])
    other = f.SlotFactory(company=world.company)
    declined = interest_show(youth=youth, slot=other, actor=youth, message="")
    interest_decline(interest=declined, actor=user, reason=VALUES["decline_reason"])
    f.AcceptedInterestFactory(
        youth=youth,
        slot=f.SlotFactory(company=world.company),
        intro_meeting_place=VALUES["intro_place"],
    )


def _seed_placements(world: World) -> None:
    youth = world.youth
    active = f.PlacementFactory(
        youth=youth,
        slot=world.slot,
        status=Placement.Status.ACTIVE,
        start_date=timezone.localdate() - timedelta(days=14),
    )
    f.PlacementFactory(
        youth=youth,
        slot=f.SlotFactory(company=world.company),
        status=Placement.Status.REJECTED,
        reject_reason=VALUES["reject_reason"],
    )
    f.PlacementFactory(
        youth=youth,
        slot=f.SlotFactory(company=world.company),
        status=Placement.Status.ENDED_EARLY,
        end_reason=VALUES["end_reason"],
    )
    checkin_submit(placement=active, actor=youth, score=4, text=VALUES["checkin_text"], share=True)
    note_create(placement=active, actor=world.consultant.user, text=VALUES["note_text"])


def _seed_checkins(world: World) -> None:
    """Written by ``_seed_placements`` (a check-in needs the active placement)."""


def _seed_notes(world: World) -> None:
    """Written by ``_seed_placements`` (a note needs a placement)."""


def _seed_outbox(world: World) -> None:
    outbox_push(
        recipient=world.youth,
        kind=OutboxMessage.Kind.INTEREST_ACCEPTED,
        subject=world.youth,
        payload={"note": VALUES["outbox_note"], "name": VALUES["first_name"]},
        dedupe_key=f"erasure-test:{world.youth.pk}",
    )


def _seed_audit(world: World) -> None:
    """Reads and exports are audited (with ids only, never names: erasure keeps the trail)."""
    youth_get_for_user(user=world.consultant.user, youth_id=world.youth.pk)
    youth_export(youth=world.youth, actor=world.consultant.user)


def _seed_admin_log(world: World) -> None:
    LogEntry.objects.log_actions(
        user_id=world.consultant.user.pk,
        queryset=[world.youth],
        action_flag=CHANGE,
        change_message=f"Changed last name to {VALUES['last_name']}.",
        single_object=True,
    )


def _telegram_user() -> dict:
    return {
        "id": TELEGRAM_ID,
        "is_bot": False,
        "first_name": VALUES["first_name"],
        "last_name": VALUES["last_name"],
        "username": VALUES["telegram_username"],
        "language_code": "da",
    }


def _seed_webhook_updates(world: World) -> None:
    """What Telegram posted: a typed message (processed), a button press (still waiting) and a
    message from someone else, which must survive."""
    user = _telegram_user()
    chat = {**user, "type": "private"}
    chat.pop("is_bot"), chat.pop("language_code")
    message = {"message_id": 1, "date": 0, "chat": chat, "from": user, "text": VALUES["bot_text"]}
    inbox_store(update_id=900001, payload={"update_id": 900001, "message": message})
    inbox_done(update_ids=[900001])
    callback = {"id": "cb1", "from": user, "chat_instance": "1", "data": VALUES["bot_callback"]}
    callback["message"] = {"message_id": 2, "date": 0, "chat": chat, "text": "menu"}
    inbox_store(update_id=900002, payload={"update_id": 900002, "callback_query": callback})
    stranger = {"id": 55, "is_bot": False, "first_name": "Anden"}
    other = {"message_id": 3, "date": 0, "chat": {"id": 55, "type": "private"}, "from": stranger}
    inbox_store(
        update_id=900003, payload={"update_id": 900003, "message": {**other, "text": "hej"}}
    )


def _seed_conversation(world: World) -> None:
    """Both ways: the youth writes through the bot (and the consultant hears by e-mail), the
    consultant answers from the portal (delivered by the bot through the outbox)."""
    message_from_youth(youth=world.youth, text=VALUES["message_from_youth"])
    message_to_youth(
        youth=world.youth, actor=world.consultant.user, text=VALUES["message_to_youth"]
    )


def _seed_chat_state(world: World) -> None:
    state_set(
        TELEGRAM_ID, awaiting="interest_message", slot_id=world.slot.pk, draft=VALUES["chat_draft"]
    )
    state_set(55, awaiting="interest_message", slot_id=world.slot.pk)


def _seed_referral(world: World) -> None:
    """The youth came through randomised intake: their referral (the municipality's case
    reference) was drawn to NExTWORK and linked to their record."""
    draw = f.DrawFactory(municipality=world.municipality)
    f.ReferralFactory(
        municipality=world.municipality,
        reference=VALUES["referral_reference"],
        birth_year=BIRTH_DATE.year,
        draw=draw,
        arm="nextwork",
        youth=world.youth,
    )


# In order: a seeder may use what an earlier one made (world.youth).
SEEDERS: dict[str, Seeder] = {
    "portal.Youth": _seed_youth,
    "portal.Invite": _seed_invite,
    "portal.Referral": _seed_referral,
    "portal.Interest": _seed_interests,
    "portal.Placement": _seed_placements,
    "portal.CheckIn": _seed_checkins,
    "portal.FollowUpNote": _seed_notes,
    "portal.OutboxMessage": _seed_outbox,
    "portal.YouthMessage": _seed_conversation,
    "portal.AuditEntry": _seed_audit,
    "admin.LogEntry": _seed_admin_log,
    "bot.WebhookUpdate": _seed_webhook_updates,
    "bot.ChatState": _seed_chat_state,
}

# Models with free text that never hold a young person's data, each with the reason. Young
# people use only the bot: the web's accounts, sessions and logins are staff's.
_STAFF = "staff accounts and their logins: young people never sign in to the web or the API"
_ORGANISATION = "the organisation (companies, slots, events, groups), written by staff"
NOT_ABOUT_A_YOUTH: dict[str, str] = {
    "auth.Permission": "the schema's names",
    "auth.Group": "the schema's names",
    "contenttypes.ContentType": "the schema's names",
    "auth.User": _STAFF,
    "sessions.Session": _STAFF,
    "authtoken.Token": _STAFF,
    "authtoken.TokenProxy": _STAFF,
    "axes.AccessAttempt": _STAFF,
    "axes.AccessFailureLog": _STAFF,
    "axes.AccessLog": _STAFF,
    "portal.CalendarFeed": "a staff member's feed token (its hash)",
    "otp_totp.TOTPDevice": _STAFF,
    "otp_static.StaticDevice": _STAFF,
    "otp_static.StaticToken": _STAFF,
    "portal.Municipality": _ORGANISATION,
    "portal.MunicipalSignIn": _ORGANISATION,
    "portal.MunicipalIdentity": _STAFF,
    "portal.Sector": _ORGANISATION,
    "portal.Company": _ORGANISATION,
    "portal.NetworkMembership": _ORGANISATION,
    "portal.Consultant": _ORGANISATION,
    "portal.Slot": _ORGANISATION,
    "portal.MatchEvent": _ORGANISATION,
    "portal.NetworkGroup": _ORGANISATION,
    "portal.GroupSchedule": _ORGANISATION,
    "portal.Meeting": _ORGANISATION,
    "portal.EmailPreferences": _STAFF,
    "portal.Study": "a research study's name and pseudonym key, set by an admin",
    "portal.Draw": "a draw's random seed: its referrals' own data is in portal.Referral",
    "web.LiveRelayMessage": (
        "live-page wake-ups between processes: event names and ids only, kept a minute"
    ),
}


def _is_free_text(field: models.Field) -> bool:
    """A column a person's words can land in: text or JSON, not a fixed choice."""
    return isinstance(field, models.CharField | models.TextField | models.JSONField) and not (
        field.choices
    )


def _text_columns(model: type[models.Model]) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
    ]


def _integer_columns(model: type[models.Model]) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.BigIntegerField) and not field.is_relation
    ]


def _date_columns(model: type[models.Model]) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
    ]


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def leftovers() -> dict[str, set[str]]:
    """Which distinctive values each model still holds, read column by column."""
    found: dict[str, set[str]] = {}
    for model in apps.get_models():
        label = model._meta.label
        manager = model._base_manager
        columns = _text_columns(model)
        if columns:
            for row in manager.values_list(*columns).iterator():
                text = " ".join(_as_text(value) for value in row).casefold()
                for key, value in VALUES.items():
                    if value.casefold() in text:
                        found.setdefault(label, set()).add(key)
        for column in _integer_columns(model):
            if manager.filter(**{column: TELEGRAM_ID}).exists():
                found.setdefault(label, set()).add(f"telegram_id in {column}")
        for column in _date_columns(model):
            if manager.filter(**{column: BIRTH_DATE}).exists():
                found.setdefault(label, set()).add(f"birth_date in {column}")
    return found


@pytest.fixture
def seeded(municipality, consultant, company, slot):
    world = World(municipality=municipality, consultant=consultant, company=company, slot=slot)
    for seeder in SEEDERS.values():
        seeder(world)
    return world


def test_every_model_with_free_text_is_seeded_or_declared():
    labels = {model._meta.label for model in apps.get_models()}
    with_text = {
        model._meta.label
        for model in apps.get_models()
        if any(_is_free_text(field) for field in model._meta.concrete_fields)
    }
    undeclared = with_text - set(SEEDERS) - set(NOT_ABOUT_A_YOUTH)
    assert not undeclared, (
        f"{sorted(undeclared)} keep free text: add a seeder to SEEDERS in tests/test_erasure.py "
        "that writes a youth's distinctive values into it (and make erasure clear them), or "
        "declare it in NOT_ABOUT_A_YOUTH with the reason"
    )
    assert not set(SEEDERS) & set(NOT_ABOUT_A_YOUTH)
    assert set(SEEDERS) <= labels and set(NOT_ABOUT_A_YOUTH) <= labels, "stale entries"


def test_the_seeders_plant_every_value_and_the_scan_finds_them(seeded):
    found = leftovers()
    planted = set().union(*found.values())
    assert set(VALUES) - {"telegram_id"} <= planted
    assert {
        "telegram_id in telegram_user_id",
        "telegram_id in chat_id",
        "birth_date in birth_date",
    } <= planted
    for label in ("bot.WebhookUpdate", "admin.LogEntry", "portal.OutboxMessage"):
        assert label in found, label


def test_erasure_leaves_none_of_the_values_in_any_table(seeded, consultant):
    youth_erase(youth=seeded.youth, actor=consultant.user)

    assert leftovers() == {}
    # What is not the youth's stays: a stranger's update and chat state.
    assert WebhookUpdate.objects.filter(update_id=900003).exists()
    assert ChatState.objects.filter(chat_id=55).exists()
    assert Youth.objects.filter(pk=seeded.youth.pk, erased_at__isnull=False).exists()


def test_erasure_by_the_youth_through_the_bot_clears_the_same(seeded):
    youth_erase(youth=seeded.youth, actor=seeded.youth)

    assert leftovers() == {}


def test_housekeeping_prunes_stored_updates_and_stale_chat_states(seeded):
    later = timezone.now() + UPDATE_RETENTION + timedelta(minutes=1)
    done = housekeeping_run(now=later)

    assert done["stored webhook updates pruned"] == 3
    assert not WebhookUpdate.objects.exists()
    assert ChatState.objects.count() == 2  # a day old is not stale yet

    done = housekeeping_run(now=timezone.now() + CHAT_STATE_RETENTION + timedelta(minutes=1))
    assert done["stale chat states pruned"] == 2
    assert not ChatState.objects.exists()


def test_housekeeping_keeps_updates_within_the_retention(seeded):
    housekeeping_run(now=timezone.now() + UPDATE_RETENTION - timedelta(minutes=1))

    assert WebhookUpdate.objects.count() == 3
