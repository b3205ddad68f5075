"""Live fan-out: each domain event, once committed, goes to the Channels groups allowed to see it.

The groups are ``admins`` (everything), ``municipality.<id>`` (that municipality's
consultants), ``company.<id>`` (that company's own members: its slots, the interests in and
placements on them, its event sign-ups, memberships and colleagues) and ``event.<id>`` (a
match event's live board). Each event is routed only by the ids in its ``data``, and the
message carries the event type and ids only: a page that hears of a change reloads its own
fragments through the selectors, scoped to whoever is looking. The channel layer gives no
delivery guarantee, so nothing may depend on these messages beyond a live view.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from domain.events import DomainEvent, subscribe
from domain.models import CompanyMember, Consultant
from portal.relay import relay_write

ADMINS = "admins"

# The Channels message types; the consumers handle them in ``live_event`` and ``live_close``.
MESSAGE_TYPE = "live.event"
CLOSE_TYPE = "live.close"
RECHECK_TYPE = "live.recheck"

# Families of events that a company's members may hear about when the event names their
# company. Check-ins, follow-up notes, youth, groups and meetings are never among them (those
# events carry no company_id either, but the list keeps a slip in a service from leaking).
COMPANY_FAMILIES = frozenset(
    {"company", "membership", "slot", "interest", "placement", "company_signup"}
)

# What an event's big-screen board shows: the event itself, the companies present and how
# many youth have signed up or checked in.
BOARD_FAMILIES = frozenset({"event", "company_signup", "signup"})

# Wake-ups for the worker, not something anybody watches.
SILENT_TYPES = frozenset({"outbox.enqueued"})

# The ids a company's socket or a board may receive. Staff sockets also get the youth and the
# municipality; companies learn about a youth only through the pages the matrix allows.
SHARED_IDS = (
    "id",
    "company_id",
    "slot_id",
    "interest_id",
    "placement_id",
    "event_id",
)
STAFF_IDS = (*SHARED_IDS, "youth_id", "municipality_id", "group_id", "meeting_id")


def municipality_group(municipality_id: int) -> str:
    return f"municipality.{int(municipality_id)}"


def company_group(company_id: int) -> str:
    return f"company.{int(company_id)}"


def event_group(event_id: int) -> str:
    return f"event.{int(event_id)}"


def user_group(user_id: int) -> str:
    """Every socket of one user, so that logging out closes them all."""
    return f"user.{int(user_id)}"


def _family(event: DomainEvent) -> str:
    return event.type.split(".", 1)[0]


def groups_for(event: DomainEvent) -> list[str]:
    """Every group that may hear of ``event``, in a stable order."""
    if event.type in SILENT_TYPES:
        return []
    data = event.data
    family = _family(event)
    groups = [ADMINS]

    # Slot events name every network the company belongs to; the others name one municipality
    # (the youth's, the event's, the membership's) or none (a company's own details).
    municipality_ids = data.get("municipality_ids")
    if municipality_ids is None:
        municipality_ids = [data.get("municipality_id")]
    groups += [municipality_group(m) for m in municipality_ids if m is not None]

    company_id = data.get("company_id")
    if family in COMPANY_FAMILIES and company_id is not None:
        groups.append(company_group(company_id))

    if family in BOARD_FAMILIES:
        event_id = data.get("id") if family == "event" else data.get("event_id")
        if event_id is not None:
            groups.append(event_group(event_id))
    return groups


def payload_for(event: DomainEvent, group: str) -> dict:
    """What a socket in ``group`` receives: the type and the ids it may know, nothing else."""
    allowed = STAFF_IDS if group == ADMINS or group.startswith("municipality.") else SHARED_IDS
    payload: dict = {"type": event.type}
    for key in allowed:
        value = event.data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            payload[key] = value
    return payload


async def _send_all(layer, messages: list[tuple[str, dict]]) -> None:
    for group, message in messages:
        await layer.group_send(group, message)


def send_to_groups(messages: list[tuple[str, dict]]) -> None:
    """Hand (group, Channels message) pairs to this process's layer, and to the other
    processes through the database relay when it is on (portal/relay.py: the embedded default
    without Redis, where the bot and the worker run in processes of their own)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    async_to_sync(_send_all)(layer, messages)
    relay_write(messages)


@subscribe("*")
def fan_out(event: DomainEvent) -> None:
    """Runs after the commit (see domain.events), in the thread that committed; a failure here
    is logged by the event bus and leaves the committed change alone."""
    send_to_groups(
        [
            (group, {"type": MESSAGE_TYPE, "event": payload_for(event, group)})
            for group in groups_for(event)
        ]
    )


@receiver(user_logged_out, dispatch_uid="portal.realtime.close_sockets_on_logout")
def close_sockets_on_logout(sender, request, user, **kwargs) -> None:
    """A tab left open after logging out (say, on a shared computer) stops listening."""
    if user is None:
        return
    send_to_groups([(user_group(user.pk), {"type": CLOSE_TYPE})])


def recheck_sockets_of(user_id: int) -> None:
    """After the commit, have every socket of the user ask again whether it may go on: its
    session (a changed password invalidates the others) and its roles."""
    transaction.on_commit(lambda: send_to_groups([(user_group(user_id), {"type": RECHECK_TYPE})]))


# Not a state change: the signals only wake the sockets of whoever's account or role changed,
# whichever door changed it (a service, the admin, ``manage.py changepassword``).
@receiver(post_save, sender=get_user_model(), dispatch_uid="portal.realtime.user_saved")
@receiver(post_delete, sender=get_user_model(), dispatch_uid="portal.realtime.user_deleted")
def recheck_on_account_change(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every login writes this; nothing a socket depends on
    recheck_sockets_of(instance.pk)


@receiver(post_save, sender=Consultant, dispatch_uid="portal.realtime.consultant_saved")
@receiver(post_delete, sender=Consultant, dispatch_uid="portal.realtime.consultant_deleted")
@receiver(post_save, sender=CompanyMember, dispatch_uid="portal.realtime.member_saved")
@receiver(post_delete, sender=CompanyMember, dispatch_uid="portal.realtime.member_deleted")
def recheck_on_role_change(sender, instance, **kwargs) -> None:
    recheck_sockets_of(instance.user_id)
