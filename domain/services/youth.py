"""Young people's records: created by consultants, then invited → active ⇄ paused → left.

Data minimisation: names, a birth date (for the 15–29 rule), language, sectors and hours only;
anything that looks like a CPR number is refused at the door.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import events, policy
from domain.audit import audit_log
from domain.exceptions import DomainError, invalid_state
from domain.locking import lock_for_update
from domain.models import (
    CheckIn,
    Consultant,
    Invite,
    Municipality,
    NetworkGroup,
    Referral,
    Sector,
    Youth,
)
from domain.models.placements import MAX_HOURS_PER_WEEK
from domain.models.youth import Language
from domain.services.cleaning import clean_text
from domain.services.departure import youth_release_commitments
from domain.services.followups import followup_offer
from domain.services.intake import referral_claim, referral_link, referral_required
from domain.services.network import sector_from
from domain.services.outbox import outbox_cancel_for_youth
from domain.services.outcomes import clean_destination, clean_destination_date
from domain.services.reminders import reminders_sync_youth
from domain.timeutils import local_date
from domain.validators import YOUTH_MAX_AGE, YOUTH_MIN_AGE, youth_age_is_allowed

Status = Youth.Status

# Names are stricter than other text (cleaning.CPR_LIKE): six digits, however separated, are
# already a CPR number's date part and never part of a name.
LONG_NUMBER = re.compile(r"\d{6,}")
SEPARATORS = re.compile(r"[\s./-]")
YOUTH_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "birth_date",
        "language",
        "sectors",
        "preferred_hours",
        "contact_consultant",
    }
)


# --- input -------------------------------------------------------------------------------------


def _name(value: object, *, field: str, required: bool) -> str:
    name = clean_text(value, field=field, max_length=100, required=required)
    if LONG_NUMBER.search(SEPARATORS.sub("", name)):
        raise DomainError(
            _("Do not enter a CPR number or other long numbers here."),
            code="looks_like_cpr",
            field=field,
        )
    return name


def _birth_date(value: object, *, municipality_tz: str, now: datetime) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            raise DomainError(
                _("Enter a valid date."), code="date_invalid", field="birth_date"
            ) from None
    # The age counts on the municipality's calendar day, not UTC's.
    if not youth_age_is_allowed(value, local_date(now, municipality_tz)):
        raise DomainError(
            _("The programme is for young people aged %(min)d to %(max)d.")
            % {"min": YOUTH_MIN_AGE, "max": YOUTH_MAX_AGE},
            code="age_out_of_range",
            field="birth_date",
        )
    return value


def clean_language(value: object) -> str:
    if value not in Language.values:
        raise DomainError(_("Choose Danish or English."), code="language_invalid", field="language")
    return str(value)


def clean_hours(value: object, *, field: str = "preferred_hours") -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = "x"
    try:
        hours = int(str(value).strip())
    except ValueError:
        hours = 0
    if not 1 <= hours <= MAX_HOURS_PER_WEEK:
        raise DomainError(
            _("Hours per week must be between 1 and %(max)d.") % {"max": MAX_HOURS_PER_WEEK},
            code="hours_out_of_range",
            field=field,
        )
    return hours


def clean_sectors(values: Iterable[Sector | str], *, field: str = "sectors") -> list[Sector]:
    if isinstance(values, str):
        values = [values]
    sectors = {}
    for value in values:
        sector = sector_from(value, field=field)
        sectors[sector.pk] = sector
    return list(sectors.values())


def _consultant(value: Consultant | None, municipality_id: int) -> Consultant | None:
    if value is not None and value.municipality_id != municipality_id:
        raise DomainError(
            _("Choose a consultant of the youth's municipality."),
            code="consultant_invalid",
            field="contact_consultant",
        )
    return value


def _group(value: NetworkGroup | None, municipality_id: int) -> NetworkGroup | None:
    if value is not None and (value.municipality_id != municipality_id or not value.is_active):
        raise DomainError(
            _("Choose an active group of the youth's municipality."),
            code="group_invalid",
            field="group",
        )
    return value


# The refusal of a transition the young person's state does not allow.
_STATE_REFUSED = _("This cannot be done in the young person's current state.")


def _require_not_erased(youth: Youth) -> None:
    if youth.erased_at is not None:
        raise invalid_state(_STATE_REFUSED)


def _publish(event_type: str, youth: Youth, **data: object) -> None:
    events.publish(
        event_type, id=youth.pk, municipality_id=youth.municipality_id, youth_id=youth.pk, **data
    )


# --- services ----------------------------------------------------------------------------------


@transaction.atomic
def youth_create(
    *,
    municipality: Municipality,
    actor: object,
    first_name: str,
    birth_date: date,
    last_name: str = "",
    language: str = Language.DA,
    sectors: Iterable[Sector | str] = (),
    preferred_hours: int | None = None,
    contact_consultant: Consultant | None = None,
    group: NetworkGroup | None = None,
    referral: Referral | None = None,
    now: datetime | None = None,
) -> Youth:
    """A consultant registers a young person (status ``invited``); an invite links Telegram.

    Where the municipality randomises its intake, a new youth comes from a ``referral`` drawn
    to NExTWORK (``referral_claim``): a usual-service referral is refused, so it is never
    invited."""
    now = now or timezone.now()
    policy.require_municipality(actor, municipality.pk)
    if referral is None and municipality.intake_randomised:
        raise referral_required()
    youth = Youth(
        municipality=municipality,
        first_name=_name(first_name, field="first_name", required=True),
        last_name=_name(last_name, field="last_name", required=False),
        birth_date=_birth_date(birth_date, municipality_tz=municipality.timezone, now=now),
        language=clean_language(language),
        preferred_hours=clean_hours(preferred_hours),
        contact_consultant=_consultant(contact_consultant, municipality.pk),
        group=_group(group, municipality.pk),
        status=Status.INVITED,
    )
    sector_list = clean_sectors(sectors)
    if referral is not None:
        referral = referral_claim(
            referral=referral, municipality=municipality, birth_date=youth.birth_date
        )
    youth.save()
    youth.sectors.set(sector_list)
    if referral is not None:
        referral_link(referral=referral, youth=youth)
    audit_log(
        actor=actor, action="youth.create", target=youth, municipality_id=municipality.pk, now=now
    )
    _publish("youth.created", youth)
    if youth.group_id:
        events.publish(
            "group.member_added",
            id=youth.group_id,
            municipality_id=municipality.pk,
            youth_id=youth.pk,
        )
    return youth


@transaction.atomic
def youth_update(*, youth: Youth, actor: object, now: datetime | None = None, **fields) -> Youth:
    """Staff correct a record: names, birth date, language, sectors, hours, contact consultant.

    Group membership changes through the group services, which also re-time meeting reminders.
    """
    now = now or timezone.now()
    unknown = set(fields) - YOUTH_FIELDS
    if unknown:
        raise TypeError(f"youth_update() got unexpected fields: {sorted(unknown)}")
    policy.require_municipality(actor, youth.municipality_id)
    youth = lock_for_update(Youth, youth.pk)
    _require_not_erased(youth)
    tz_name = youth.municipality.timezone
    values: dict = {}
    if "first_name" in fields:
        values["first_name"] = _name(fields["first_name"], field="first_name", required=True)
    if "last_name" in fields:
        values["last_name"] = _name(fields["last_name"], field="last_name", required=False)
    if "birth_date" in fields:
        values["birth_date"] = _birth_date(fields["birth_date"], municipality_tz=tz_name, now=now)
    if "language" in fields:
        values["language"] = clean_language(fields["language"])
    if "preferred_hours" in fields:
        values["preferred_hours"] = clean_hours(fields["preferred_hours"])
    if "contact_consultant" in fields:
        values["contact_consultant"] = _consultant(
            fields["contact_consultant"], youth.municipality_id
        )
    changed = [key for key, value in values.items() if getattr(youth, key) != value]
    if "sectors" in fields:
        sector_list = clean_sectors(fields["sectors"])
        if {s.pk for s in sector_list} != set(youth.sectors.values_list("pk", flat=True)):
            youth.sectors.set(sector_list)
            changed.append("sectors")
    for key in changed:
        if key != "sectors":
            setattr(youth, key, values[key])
    youth.save(update_fields=[key for key in changed if key != "sectors"])
    if changed:
        audit_log(
            actor=actor,
            action="youth.update",
            target=youth,
            municipality_id=youth.municipality_id,
            data={"fields": sorted(changed)},
            now=now,
        )
        _publish("youth.updated", youth)
    return youth


def _set_status(
    *, youth: Youth, actor: object, allowed_from: tuple, to: str, now: datetime
) -> tuple[Youth, str]:
    policy.require_municipality(actor, youth.municipality_id)
    youth = lock_for_update(Youth, youth.pk)
    if youth.erased_at is not None or youth.status not in allowed_from:
        raise invalid_state(_STATE_REFUSED)
    previous = youth.status
    youth.status = to
    return youth, previous


@transaction.atomic
def youth_pause(*, youth: Youth, actor: object, now: datetime | None = None) -> Youth:
    """active → paused (e.g. illness, holiday): group meeting reminders stop meanwhile."""
    now = now or timezone.now()
    youth, previous = _set_status(
        youth=youth, actor=actor, allowed_from=(Status.ACTIVE,), to=Status.PAUSED, now=now
    )
    youth.save(update_fields=["status"])
    reminders_sync_youth(youth, now=now)
    audit_log(
        actor=actor,
        action="youth.pause",
        target=youth,
        municipality_id=youth.municipality_id,
        data={"from": previous, "to": youth.status},
        now=now,
    )
    _publish("youth.paused", youth)
    return youth


@transaction.atomic
def youth_resume(*, youth: Youth, actor: object, now: datetime | None = None) -> Youth:
    """paused → active."""
    now = now or timezone.now()
    youth, previous = _set_status(
        youth=youth, actor=actor, allowed_from=(Status.PAUSED,), to=Status.ACTIVE, now=now
    )
    youth.save(update_fields=["status"])
    reminders_sync_youth(youth, now=now)
    audit_log(
        actor=actor,
        action="youth.resume",
        target=youth,
        municipality_id=youth.municipality_id,
        data={"from": previous, "to": youth.status},
        now=now,
    )
    _publish("youth.resumed", youth)
    return youth


@transaction.atomic
def youth_leave(
    *,
    youth: Youth,
    actor: object,
    destination: str | None = None,
    destination_date: date | None = None,
    now: datetime | None = None,
) -> Youth:
    """invited/active/paused → left: no more messages, out of their group, open invites revoked.

    ``destination`` (a ``Destination``) is required: where they went is what the programme is
    judged by; ``destination_date`` defaults to today and is never in the future. The record
    stays (for follow-up and statistics) until erased, at the latest after the retention period
    (``youth_purge_expired``).
    """
    now = now or timezone.now()
    destination = clean_destination(destination)
    destination_date = clean_destination_date(
        destination_date, tz_name=youth.municipality.timezone, now=now
    )
    youth, previous = _set_status(
        youth=youth,
        actor=actor,
        allowed_from=(Status.INVITED, Status.ACTIVE, Status.PAUSED),
        to=Status.LEFT,
        now=now,
    )
    group_id = youth.group_id
    chat_id = youth.telegram_chat_id
    youth.left_at = now
    youth.destination = destination
    youth.destination_date = destination_date
    youth.former_group_id = group_id
    youth.group = None
    # No more messages go out, and a youth who comes back later (as a new record) must be able
    # to link the same Telegram account again.
    youth.telegram_user_id = youth.telegram_chat_id = None
    youth.telegram_username = ""
    youth.save(
        update_fields=[
            "status",
            "left_at",
            "destination",
            "destination_date",
            "former_group",
            "group",
            "telegram_user_id",
            "telegram_chat_id",
            "telegram_username",
        ]
    )
    youth_release_commitments(youth=youth, now=now)
    outbox_cancel_for_youth(youth=youth)
    followup_offer(youth=youth, chat_id=chat_id, now=now)
    Invite.objects.filter(youth=youth, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    audit_log(
        actor=actor,
        action="youth.leave",
        target=youth,
        municipality_id=youth.municipality_id,
        data={
            "from": previous,
            "to": youth.status,
            "group_id": group_id,
            "destination": destination,
        },
        now=now,
    )
    _publish("youth.left", youth)
    if group_id:
        events.publish(
            "group.member_removed",
            id=group_id,
            municipality_id=youth.municipality_id,
            youth_id=youth.pk,
        )
    return youth


def _require_self_consent(youth: Youth, actor: object) -> None:
    """The bot may act for a youth only once they have accepted the consent text."""
    if isinstance(actor, Youth) and not youth.has_consent:
        raise DomainError(_("Please accept the privacy terms first."), code="consent_required")


@transaction.atomic
def youth_set_preferences(
    *,
    youth: Youth,
    actor: object,
    language: str | None = None,
    sector_codes: Iterable[str] | None = None,
    preferred_hours: int | None = None,
    reminders_enabled: bool | None = None,
    slot_alerts: bool | None = None,
    now: datetime | None = None,
) -> Youth:
    """The youth's own settings (from the bot) or staff on their behalf; None leaves a value."""
    now = now or timezone.now()
    policy.require_youth(actor, youth)
    youth = lock_for_update(Youth, youth.pk)
    _require_self_consent(youth, actor)
    if youth.erased_at is not None or youth.status == Status.LEFT:
        raise invalid_state(_STATE_REFUSED)
    changed: list[str] = []
    if language is not None and clean_language(language) != youth.language:
        youth.language = language
        changed.append("language")
    if preferred_hours is not None:
        hours = clean_hours(preferred_hours)
        if hours != youth.preferred_hours:
            youth.preferred_hours = hours
            changed.append("preferred_hours")
    if reminders_enabled is not None and bool(reminders_enabled) != youth.reminders_enabled:
        youth.reminders_enabled = bool(reminders_enabled)
        changed.append("reminders_enabled")
    if slot_alerts is not None and bool(slot_alerts) != youth.slot_alerts:
        youth.slot_alerts = bool(slot_alerts)
        changed.append("slot_alerts")
    youth.save(update_fields=changed)
    if sector_codes is not None:
        sector_list = clean_sectors(sector_codes, field="sector_codes")
        if {s.pk for s in sector_list} != set(youth.sectors.values_list("pk", flat=True)):
            youth.sectors.set(sector_list)
            changed.append("sectors")
    if "reminders_enabled" in changed:
        reminders_sync_youth(youth, now=now)
    if changed:
        if not isinstance(actor, Youth):
            audit_log(
                actor=actor,
                action="youth.preferences",
                target=youth,
                municipality_id=youth.municipality_id,
                data={"fields": sorted(changed)},
                now=now,
            )
        _publish("youth.updated", youth)
    return youth


@transaction.atomic
def youth_set_share_experiences(
    *, youth: Youth, actor: object, share: bool, now: datetime | None = None
) -> Youth:
    """May the youth's check-in sentences be shown, anonymised, to other youth?

    Optional processing rests on the youth's own choice, so only the youth (through the bot)
    decides; saying no also withdraws the sentences already shared.
    """
    now = now or timezone.now()
    if not (isinstance(actor, Youth) and actor.pk == youth.pk):
        raise policy.forbidden()
    youth = lock_for_update(Youth, youth.pk)
    _require_self_consent(youth, actor)
    if youth.erased_at is not None or youth.status == Status.LEFT:
        raise invalid_state(_STATE_REFUSED)
    share = bool(share)
    if share == youth.share_experiences:
        return youth
    youth.share_experiences = share
    youth.save(update_fields=["share_experiences"])
    if not share:
        CheckIn.objects.filter(placement__youth=youth, shared=True).update(shared=False)
    audit_log(
        actor=actor,
        action="youth.share_experiences",
        target=youth,
        municipality_id=youth.municipality_id,
        data={"share": share},
        now=now,
    )
    _publish("youth.updated", youth)
    return youth


@transaction.atomic
def youth_unlink_telegram(*, youth: Youth, actor: object, now: datetime | None = None) -> Youth:
    """Staff detach a lost, blocked or deactivated Telegram account so that a new invite can
    link the youth's new one. Waiting messages are cancelled; consent stays (it was given by the
    youth and is renewed on the next link)."""
    now = now or timezone.now()
    policy.require_municipality(actor, youth.municipality_id)
    youth = lock_for_update(Youth, youth.pk)
    _require_not_erased(youth)
    if not youth.is_linked:
        raise invalid_state(_("This profile is not linked to Telegram."))
    youth.telegram_user_id = youth.telegram_chat_id = None
    youth.telegram_username = ""
    youth.unreachable_at = None
    youth.save(
        update_fields=[
            "telegram_user_id",
            "telegram_chat_id",
            "telegram_username",
            "unreachable_at",
        ]
    )
    outbox_cancel_for_youth(youth=youth)
    audit_log(
        actor=actor,
        action="youth.unlink_telegram",
        target=youth,
        municipality_id=youth.municipality_id,
        data={"youth_id": youth.pk},
        now=now,
    )
    _publish("youth.updated", youth)
    return youth
