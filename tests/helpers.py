"""Plain helpers the test modules share (fixtures live in the conftest files)."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db import models as db_models
from django.forms.models import model_to_dict
from django.utils import timezone

from domain.exceptions import DomainError
from domain.models import FollowUp, OutboxMessage, Placement
from domain.services.signups import youth_signup
from tests import factories as f

# A model (every field of every row) or a ``(model, field, ...)`` tuple (only those fields).
Table = type[db_models.Model] | tuple[Any, ...]


def actor(request: pytest.FixtureRequest, who: str | None):
    """A fixture name → the acting object: the fixture's ``.user`` where it has one (consultant,
    company member), else the fixture itself (a youth, an admin user); ``None`` or ``"system"``
    → ``None``, the system acting on its own."""
    if who is None or who == "system":
        return None
    obj = request.getfixturevalue(who)
    return getattr(obj, "user", obj)


def snapshot(*models: Table) -> dict:
    """The rows of ``models`` in primary-key order, as plain data to compare before and after."""
    state = {}
    for table in models:
        model, *fields = table if isinstance(table, tuple) else (table,)
        key = model._meta.label + (f"({', '.join(fields)})" if fields else "")
        state[key] = list(model._default_manager.order_by("pk").values(*fields))
    return state


def refused(
    code: str, call: Callable[[], object], *, models: tuple[Table, ...], field: str | None = None
) -> DomainError:
    """``call`` raises DomainError(code) (on ``field``, when given) and leaves the rows of
    ``models`` (see :func:`snapshot`) exactly as they were."""
    before = snapshot(*models)
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code
    if field is not None:
        assert info.value.field == field
    assert snapshot(*models) == before
    return info.value


def stored(obj: db_models.Model) -> dict:
    """``obj``'s row as the database holds it now, its many-to-many fields included."""
    return model_to_dict(type(obj)._default_manager.get(pk=obj.pk))


# What each kind of outbox message is about: a key of ``outbox_subjects``.
OUTBOX_SUBJECT_OF = {
    OutboxMessage.Kind.MEETING_REMINDER: "meeting",
    OutboxMessage.Kind.EVENT_REMINDER: "signup",
    OutboxMessage.Kind.INTRO_REMINDER: "interest",
    OutboxMessage.Kind.PLACEMENT_START_REMINDER: "placement",
    OutboxMessage.Kind.CHECKIN_PROMPT: "placement",
    OutboxMessage.Kind.INTEREST_ACCEPTED: "interest",
    OutboxMessage.Kind.INTEREST_DECLINED: "interest",
    OutboxMessage.Kind.PLACEMENT_APPROVED: "placement",
    OutboxMessage.Kind.PLACEMENT_REJECTED: "placement",
    OutboxMessage.Kind.WAITLIST_PROMOTED: "signup",
    OutboxMessage.Kind.MEETING_MOVED: "meeting",
    OutboxMessage.Kind.MEETING_CANCELLED: "meeting",
    OutboxMessage.Kind.EVENT_CANCELLED: "event",
    OutboxMessage.Kind.INTEREST_WAITING: "interest",
    OutboxMessage.Kind.INTEREST_CLOSED: "interest",
    OutboxMessage.Kind.FOLLOWUP_INVITE: "youth",
    OutboxMessage.Kind.FOLLOWUP_QUESTION: "followup",
    OutboxMessage.Kind.FOLLOWUP_REMINDER: "followup",
    OutboxMessage.Kind.CONSULTANT_MESSAGE: "message",
    OutboxMessage.Kind.NEW_SLOTS: "slot",
}


def outbox_subjects(*, municipality, company, youth) -> dict:
    """One object of every sort an outbox message can be about, all of them ``youth``'s."""
    slot = f.SlotFactory(company=company, title="Kassepraktik")
    group = f.GroupFactory(municipality=municipality)
    event = f.EventFactory(municipality=municipality, title="Matchdag")
    return {
        "slot": slot,
        "interest": f.AcceptedInterestFactory(youth=youth, slot=slot),
        "placement": f.PlacementFactory(youth=youth, slot=slot, status=Placement.Status.ACTIVE),
        "meeting": f.MeetingFactory(group=group, place="Ungehuset"),
        "event": event,
        "signup": youth_signup(event=event, youth=youth, actor=youth),
        "youth": youth,
        "followup": FollowUp.objects.create(youth=youth, months=3, due_at=timezone.now()),
        "message": f.YouthMessageFactory(youth=youth),
    }


def outbox_row(youth, kind: str, subject: db_models.Model) -> OutboxMessage:
    """A row due now, with everything in its payload that any renderer reads."""
    at = (timezone.now() + timedelta(days=2)).isoformat()
    payload = {
        "starts_at": at,
        "intro_meeting_at": at,
        "intro_meeting_place": "Algade 1",
        "place": "Ungehuset",
        "start_date": timezone.localdate().isoformat(),
        "hours_per_week": 15,
        "months": 3,
        "text": "Hej, vi ses tirsdag.",
        "sender": "Mette",
        "slots": [{"id": 1, "title": "Kassepraktik", "company": "Bageriet ApS"}],
    }
    return OutboxMessage.objects.create(
        recipient=youth,
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        payload=payload,
        dedupe_key=f"test:{kind}:{subject.pk}",
        due_at=timezone.now(),
    )


def deliver_emails() -> int:
    """Run the e-mail worker once over the test's e-mail backend (locmem: ``mail.outbox``)."""
    from worker.email import EmailSettings, EmailWorker

    return EmailWorker(EmailSettings(name="test:email")).run_once()


def pass_second_factor(client, user) -> None:
    """Mark the test ``client``'s session as having passed the second factor, with a confirmed
    app device of ``user`` (made if missing), when the user must pass one."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from domain import policy

    if not policy.second_factor_required(user):
        return
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="tests", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def recovery_code(user) -> str:
    """A fresh single-use recovery code of ``user`` (a second factor that, unlike an app's
    code, can be used several times within one 30-second step)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery codes", defaults={"confirmed": True}
    )
    code = StaticToken.random_token()
    StaticToken.objects.create(device=device, token=code)
    return code


def run_together(calls: list) -> list[str]:
    """Run each call in its own thread and database connection, all released at once by a
    barrier (PostgreSQL concurrency tests). Returns "ok" or the DomainError's code per call;
    any other exception fails the test."""
    barrier = threading.Barrier(len(calls))

    def run(call) -> str:
        try:
            barrier.wait(timeout=30)
            call()
            return "ok"
        except DomainError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))
