"""Randomised intake: an admin turns it on for a municipality and sets the ratio; consultants
register referred young people with the minimum and draw every undrawn referral at once into
the NExTWORK arm or usual service. A draw is final and audited; a NExTWORK referral becomes a
youth record (``youth_create(referral=…)``), a usual-service one never does. Referrals are
erased with their youth, or on the retention schedule (docs/evaluation.md).
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domain import policy
from domain.audit import audit_log
from domain.exceptions import DomainError
from domain.locking import lock_for_update
from domain.models import Arm, Draw, Municipality, Referral, Youth
from domain.selectors.intake import assign_arms
from domain.services.cleaning import clean_text
from domain.timeutils import local_date
from domain.validators import YOUTH_MAX_AGE, YOUTH_MIN_AGE, age_band

RATIO_MAX = 9
# A case reference is the municipality's own number for the case: letters, digits and . _ / -
# with at least one digit, so a name (or a sentence) cannot be stored in its place.
REFERENCE = re.compile(r"(?=.*\d)[A-Za-z0-9._/-]{1,40}")
# Seeds are 128 bits from the operating system's generator, stored as hex.
SEED_BYTES = 16


def _intake_off() -> DomainError:
    return DomainError(
        _("Randomised intake is not turned on for this municipality."), code="intake_off"
    )


def _require_runner(actor: object, municipality: Municipality) -> None:
    if not policy.can_run_intake(actor, municipality.pk):
        raise policy.forbidden()
    if not municipality.intake_randomised:
        raise _intake_off()


# --- the municipality's switch -------------------------------------------------------------------


def _ratio(value: object, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= RATIO_MAX:
        raise DomainError(
            _("Each share of the ratio is a whole number from 1 to %(max)d.") % {"max": RATIO_MAX},
            code="ratio_invalid",
            field=field,
        )
    return value


@transaction.atomic
def intake_configure(
    *,
    municipality: Municipality,
    actor: object,
    randomised: bool,
    ratio_nextwork: int = 1,
    ratio_usual: int = 1,
    now: datetime | None = None,
) -> Municipality:
    """Turn randomised intake on or off for ``municipality`` and set the ratio of the coming
    draws (admins only). Draws already made keep their own ratio; turning it off stops new
    referrals and draws, and the arms drawn stay."""
    now = now or timezone.now()
    if not policy.can_configure_intake(actor):
        raise policy.forbidden()
    ratio_nextwork = _ratio(ratio_nextwork, field="intake_ratio_nextwork")
    ratio_usual = _ratio(ratio_usual, field="intake_ratio_usual")
    municipality = lock_for_update(Municipality, municipality.pk)
    municipality.intake_randomised = bool(randomised)
    municipality.intake_ratio_nextwork = ratio_nextwork
    municipality.intake_ratio_usual = ratio_usual
    municipality.save(
        update_fields=["intake_randomised", "intake_ratio_nextwork", "intake_ratio_usual"]
    )
    audit_log(
        actor=actor,
        action="municipality.configure_intake",
        target=municipality,
        municipality_id=municipality.pk,
        data={"randomised": municipality.intake_randomised, "ratio": [ratio_nextwork, ratio_usual]},
        now=now,
    )
    return municipality


# --- referrals -----------------------------------------------------------------------------------


def _reference(value: object) -> str:
    reference = clean_text(value, field="reference", max_length=40)
    if not REFERENCE.fullmatch(reference):
        raise DomainError(
            _(
                "Enter the case reference only: letters, digits and . _ / - with at least one "
                "digit, no spaces and no name."
            ),
            code="reference_invalid",
            field="reference",
        )
    return reference


def _referral_date(value: object, *, today: date) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            raise DomainError(
                _("Enter a valid date."), code="date_invalid", field="referral_date"
            ) from None
    if value > today:
        raise DomainError(
            _("The referral date cannot be in the future."),
            code="date_in_future",
            field="referral_date",
        )
    return value


def referral_age(birth_year: int, referral_date: date) -> int:
    """The age a young person reaches in the year of the referral: with a birth year only, the
    one age the date cannot contradict by more than a year (docs/evaluation.md)."""
    return referral_date.year - birth_year


def _birth_year(value: object, *, referral_date: date) -> int:
    try:
        year = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        year = None
    if year is None or not 1900 <= year <= 2100:
        raise DomainError(
            _("Enter the birth year as four digits."),
            code="birth_year_invalid",
            field="birth_year",
        )
    if not YOUTH_MIN_AGE <= referral_age(year, referral_date) <= YOUTH_MAX_AGE:
        raise DomainError(
            _(
                "The programme is for young people aged %(min)d to %(max)d in the year of the "
                "referral."
            )
            % {"min": YOUTH_MIN_AGE, "max": YOUTH_MAX_AGE},
            code="age_out_of_range",
            field="birth_year",
        )
    return year


def _reference_taken() -> DomainError:
    return DomainError(
        _("This case reference is already registered in the municipality."),
        code="reference_taken",
        field="reference",
    )


@transaction.atomic
def referral_register(
    *,
    municipality: Municipality,
    actor: object,
    reference: str,
    birth_year: int | str,
    referral_date: date | str,
    now: datetime | None = None,
) -> Referral:
    """A consultant of the municipality (or an admin) registers a referred young person with
    the minimum, while randomised intake is on. Audited; the reference stays out of the trail."""
    now = now or timezone.now()
    _require_runner(actor, municipality)
    reference = _reference(reference)
    day = _referral_date(referral_date, today=local_date(now, municipality.timezone))
    year = _birth_year(birth_year, referral_date=day)
    if Referral.objects.filter(municipality=municipality, reference=reference).exists():
        raise _reference_taken()
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                municipality=municipality,
                reference=reference,
                birth_year=year,
                age_band=age_band(referral_age(year, day)),
                referral_date=day,
                created_by=policy.user_from(actor),
            )
    except IntegrityError:
        # Two consultants registering one reference at once: the unique constraint decides.
        raise _reference_taken() from None
    audit_log(
        actor=actor,
        action="referral.register",
        target=referral,
        municipality_id=municipality.pk,
        data={"age_band": referral.age_band},
        now=now,
    )
    return referral


# --- the draw ------------------------------------------------------------------------------------


@transaction.atomic
def draw_run(*, municipality: Municipality, actor: object, now: datetime | None = None) -> Draw:
    """Draw every undrawn referral of the municipality at once, with a fresh seed and the
    municipality's ratio, stratified by age band (``domain.selectors.intake.assign_arms``).

    The municipality's row lock makes two consultants drawing at once take turns: the second
    finds nothing left to draw, so no referral is ever drawn twice. Final and audited.
    """
    now = now or timezone.now()
    if not policy.can_run_intake(actor, municipality.pk):
        raise policy.forbidden()
    municipality = lock_for_update(Municipality, municipality.pk)
    if not municipality.intake_randomised:
        raise _intake_off()
    referrals = list(
        Referral.objects.filter(
            municipality=municipality, draw__isnull=True, erased_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "age_band")
    )
    if not referrals:
        raise DomainError(_("There are no referrals waiting to be drawn."), code="nothing_to_draw")
    draw = Draw.objects.create(
        municipality=municipality,
        seed=secrets.token_hex(SEED_BYTES),
        ratio_nextwork=municipality.intake_ratio_nextwork,
        ratio_usual=municipality.intake_ratio_usual,
        drawn_by=policy.user_from(actor),
        drawn_at=now,
    )
    arms = assign_arms(
        seed=draw.seed,
        referrals=referrals,
        ratio=(draw.ratio_nextwork, draw.ratio_usual),
    )
    for arm in Arm.values:
        ids = [referral_id for referral_id, drawn in arms.items() if drawn == arm]
        Referral.objects.filter(pk__in=ids, draw__isnull=True).update(draw=draw, arm=arm)
    counts = Counter(arms.values())
    audit_log(
        actor=actor,
        action="draw.run",
        target=draw,
        municipality_id=municipality.pk,
        data={
            "referrals": len(arms),
            "nextwork": counts[Arm.NEXTWORK],
            "usual": counts[Arm.USUAL],
            "ratio": [draw.ratio_nextwork, draw.ratio_usual],
        },
        now=now,
    )
    return draw


# --- a referral becomes a youth (called by youth_create) -----------------------------------------


def referral_claim(*, referral: Referral, municipality: Municipality, birth_date: date) -> Referral:
    """Lock ``referral`` for the youth being registered from it: only a NExTWORK referral of the
    same municipality, not yet linked, whose birth year the birth date agrees with. A
    usual-service referral is never invited."""
    referral = lock_for_update(Referral, referral.pk)
    if referral.municipality_id != municipality.pk:
        raise policy.not_found()
    if referral.erased_at is not None or referral.draw_id is None:
        raise DomainError(
            _("This referral has not been drawn yet: run the draw first."), code="not_drawn"
        )
    if referral.arm != Arm.NEXTWORK:
        raise DomainError(
            _(
                "This young person was drawn to usual service. They cannot be registered or "
                "invited to NExTWORK: the draw is final."
            ),
            code="usual_service",
        )
    if referral.youth_id is not None:
        raise DomainError(
            _("A young person is already registered from this referral."), code="referral_used"
        )
    if birth_date.year != referral.birth_year:
        raise DomainError(
            _("The birth date does not match the referral's birth year (%(year)d).")
            % {"year": referral.birth_year},
            code="birth_year_mismatch",
            field="birth_date",
        )
    return referral


def referral_link(*, referral: Referral, youth: Youth) -> None:
    """Link the claimed ``referral`` to its new youth record (same transaction)."""
    referral.youth = youth
    referral.save(update_fields=["youth"])


def referral_required() -> DomainError:
    return DomainError(
        _(
            "This municipality randomises its intake: register the young person from a referral "
            "drawn to NExTWORK."
        ),
        code="referral_required",
        field="referral",
    )


# --- erasure -------------------------------------------------------------------------------------


def _forget(referrals, *, actor: object, reason: str, now: datetime) -> int:
    """Empty the reference and birth year and keep the month: the arm, the age band and the
    municipality stay, so the counts by arm are unchanged. Each erasure is audited."""
    done = 0
    for referral in referrals:
        referral.reference = ""
        referral.birth_year = None
        referral.referral_date = referral.referral_date.replace(day=1)
        referral.erased_at = now
        referral.save(update_fields=["reference", "birth_year", "referral_date", "erased_at"])
        audit_log(
            actor=actor,
            action="referral.erase",
            target=referral,
            municipality_id=referral.municipality_id,
            data={"reason": reason},
            now=now,
        )
        done += 1
    return done


def referral_forget_for_youth(*, youth: Youth, actor: object, reason: str, now: datetime) -> None:
    """Called by the youth's erasure (same transaction): their referral goes with them."""
    rows = Referral.objects.select_for_update().filter(youth=youth, erased_at__isnull=True)
    _forget(rows, actor=actor, reason=reason, now=now)


@transaction.atomic
def referrals_purge_expired(
    *, now: datetime | None = None, retention_days: int | None = None
) -> int:
    """Erase the referrals no youth record carries (usual service, a NExTWORK referral never
    registered, or one never drawn) ``retention_days`` (default
    ``settings.NEXTWORK_RETENTION_DAYS``, as for youth) after their draw, or after their
    registration when undrawn. A referral with a youth is erased with the youth."""
    now = now or timezone.now()
    days = settings.NEXTWORK_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = now - timedelta(days=days)
    expired = Referral.objects.select_for_update(of=("self",)).filter(
        youth__isnull=True, erased_at__isnull=True
    )
    drawn = expired.filter(draw__drawn_at__lt=cutoff).order_by("pk")
    undrawn = expired.filter(draw__isnull=True, created_at__lt=cutoff).order_by("pk")
    return _forget(drawn, actor=None, reason="retention", now=now) + _forget(
        undrawn, actor=None, reason="retention", now=now
    )
