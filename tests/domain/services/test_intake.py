"""Randomised intake: the switch, registering referrals, the stratified draw (reproducible,
final, audited), youth only from the NExTWORK arm, and erasure on the retention schedule."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
from django.db import DatabaseError, transaction
from django.utils import translation

from domain.models import Arm, AuditEntry, Draw, Municipality, Referral, Youth
from domain.selectors.intake import (
    assign_arms,
    draw_reproduce,
    draw_stored_arms,
    draw_strata,
)
from domain.services.intake import (
    draw_run,
    intake_configure,
    referral_register,
    referrals_purge_expired,
)
from domain.services.privacy import youth_erase
from domain.services.youth import youth_create
from tests import factories as f
from tests import helpers

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TABLES = (Referral, Draw, Youth, AuditEntry)
refused = partial(helpers.refused, models=TABLES)


@pytest.fixture
def randomising(municipality):
    Municipality.objects.filter(pk=municipality.pk).update(intake_randomised=True)
    municipality.refresh_from_db()
    return municipality


def _register(municipality, user, reference, birth_year=2006, day=date(2026, 11, 2)):
    return referral_register(
        municipality=municipality,
        actor=user,
        reference=reference,
        birth_year=birth_year,
        referral_date=day,
        now=NOW,
    )


def _referrals(municipality, *, per_band: dict[str, int]) -> list[Referral]:
    made = []
    for band, n in per_band.items():
        made += f.ReferralFactory.create_batch(n, municipality=municipality, age_band=band)
    return made


# --- the switch ----------------------------------------------------------------------------------


def test_intake_configure_turns_it_on_with_a_ratio_and_is_audited(municipality, admin_user):
    intake_configure(
        municipality=municipality,
        actor=admin_user,
        randomised=True,
        ratio_nextwork=2,
        ratio_usual=1,
        now=NOW,
    )

    municipality.refresh_from_db()
    assert municipality.intake_randomised
    assert (municipality.intake_ratio_nextwork, municipality.intake_ratio_usual) == (2, 1)
    entry = AuditEntry.objects.get(action="municipality.configure_intake")
    assert entry.data == {"randomised": True, "ratio": [2, 1]}


@pytest.mark.parametrize("ratio", [0, 10, "1", True])
def test_intake_configure_refuses_a_ratio_outside_one_to_nine(municipality, admin_user, ratio):
    refused(
        "ratio_invalid",
        lambda: intake_configure(
            municipality=municipality, actor=admin_user, randomised=True, ratio_nextwork=ratio
        ),
        field="intake_ratio_nextwork",
    )


# --- registering referrals -----------------------------------------------------------------------


def test_referral_register_stores_the_minimum_with_its_age_band(randomising, consultant):
    referral = _register(randomising, consultant.user, "SAG-2026-001", birth_year=2010)

    assert referral.reference == "SAG-2026-001"
    assert referral.age_band == "15-17"  # turns 16 in 2026
    assert referral.arm == "" and referral.draw is None
    assert referral.created_by == consultant.user
    entry = AuditEntry.objects.get(action="referral.register")
    assert entry.data == {"age_band": "15-17"}  # never the reference


def test_referral_register_refuses_when_randomised_intake_is_off(municipality, consultant):
    refused("intake_off", lambda: _register(municipality, consultant.user, "SAG-1"))


@pytest.mark.parametrize(
    ("reference", "birth_year", "day", "code", "field"),
    [
        ("", 2006, date(2026, 11, 2), "required", "reference"),
        ("Anna Hansen", 2006, date(2026, 11, 2), "reference_invalid", "reference"),
        ("SAG", 2006, date(2026, 11, 2), "reference_invalid", "reference"),
        ("010203-1234", 2006, date(2026, 11, 2), "looks_like_cpr", "reference"),
        ("SAG-2", 2012, date(2026, 11, 2), "age_out_of_range", "birth_year"),  # 14
        ("SAG-2", 1996, date(2026, 11, 2), "age_out_of_range", "birth_year"),  # 30
        ("SAG-2", "nineteen", date(2026, 11, 2), "birth_year_invalid", "birth_year"),
        ("SAG-2", 2006, date(2026, 11, 24), "date_in_future", "referral_date"),
        ("SAG-2", 2006, "2026-13-01", "date_invalid", "referral_date"),
    ],
)
def test_referral_register_refuses_bad_input_at_its_field(
    randomising, consultant, reference, birth_year, day, code, field
):
    refused(
        code,
        lambda: _register(randomising, consultant.user, reference, birth_year, day),
        field=field,
    )


def test_referral_register_accepts_the_ages_at_the_edges(randomising, consultant):
    assert _register(randomising, consultant.user, "SAG-15", birth_year=2011).age_band == "15-17"
    assert _register(randomising, consultant.user, "SAG-29", birth_year=1997).age_band == "25-29"


def test_referral_register_refuses_a_reference_taken_in_the_municipality(
    randomising, consultant, other_municipality, admin_user
):
    _register(randomising, consultant.user, "SAG-7")
    refused(
        "reference_taken",
        lambda: _register(randomising, consultant.user, "SAG-7"),
        field="reference",
    )
    # Another municipality's own numbering may repeat it.
    Municipality.objects.filter(pk=other_municipality.pk).update(intake_randomised=True)
    other_municipality.refresh_from_db()
    assert _register(other_municipality, admin_user, "SAG-7").pk


# --- the draw ------------------------------------------------------------------------------------


def test_draw_run_draws_every_waiting_referral_stratified_by_age_band(randomising, consultant):
    _referrals(randomising, per_band={"15-17": 5, "18-24": 10, "25-29": 3})

    draw = draw_run(municipality=randomising, actor=consultant.user, now=NOW)

    assert not Referral.objects.filter(draw__isnull=True).exists()
    strata = {row["age_band"]: row for row in draw_strata(draw)}
    assert strata["18-24"]["nextwork"] == strata["18-24"]["usual"] == 5
    for band in ("15-17", "25-29"):
        assert abs(strata[band]["nextwork"] - strata[band]["usual"]) == 1
    # The two odd strata's places left over went one to each arm.
    totals = Counter(Referral.objects.values_list("arm", flat=True))
    assert totals == {Arm.NEXTWORK: 9, Arm.USUAL: 9}
    assert len(draw.seed) == 32 and (draw.ratio_nextwork, draw.ratio_usual) == (1, 1)
    assert draw.drawn_by == consultant.user and draw.drawn_at == NOW


def test_draw_run_follows_the_municipalitys_ratio(randomising, consultant):
    Municipality.objects.filter(pk=randomising.pk).update(intake_ratio_nextwork=2)
    _referrals(randomising, per_band={"18-24": 9})

    draw = draw_run(municipality=randomising, actor=consultant.user, now=NOW)

    assert Counter(draw.referrals.values_list("arm", flat=True)) == {"nextwork": 6, "usual": 3}
    assert (draw.ratio_nextwork, draw.ratio_usual) == (2, 1)


def test_draw_reproduce_recomputes_the_stored_arms_from_the_seed(randomising, consultant):
    _referrals(randomising, per_band={"15-17": 4, "18-24": 7, "25-29": 6})
    draw = draw_run(municipality=randomising, actor=consultant.user, now=NOW)

    assert draw_reproduce(draw) == draw_stored_arms(draw)
    assert len(draw_stored_arms(draw)) == 17


def test_draw_reproduce_would_show_a_changed_arm(randomising, consultant):
    """The check has teeth: a stored arm that differs from the seed's is found (on SQLite,
    where no trigger guards the row; PostgreSQL refuses the change itself, tested below)."""
    _referrals(randomising, per_band={"18-24": 6})
    draw = draw_run(municipality=randomising, actor=consultant.user, now=NOW)
    stored = draw_stored_arms(draw)
    flipped = {pk: ("usual" if arm == "nextwork" else "nextwork") for pk, arm in stored.items()}

    assert draw_reproduce(draw) != flipped


def test_assign_arms_is_a_function_of_seed_referrals_and_ratio():
    referrals = [(pk, "18-24" if pk % 3 else "15-17") for pk in range(1, 41)]
    first = assign_arms(seed="a" * 32, referrals=referrals, ratio=(1, 1))

    assert assign_arms(seed="a" * 32, referrals=list(reversed(referrals)), ratio=(1, 1)) == first
    assert assign_arms(seed="b" * 32, referrals=referrals, ratio=(1, 1)) != first
    assert assign_arms(seed="a" * 32, referrals=referrals, ratio=(3, 1)) != first


def test_assign_arms_keeps_a_fixed_result_for_a_fixed_seed():
    """The recipe is pinned: a change to it would make stored draws irreproducible."""
    referrals = [(pk, "18-24") for pk in range(1, 9)]
    arms = assign_arms(seed="0123456789abcdef0123456789abcdef", referrals=referrals, ratio=(1, 1))

    assert [arms[pk] for pk in range(1, 9)] == PINNED


PINNED = ["nextwork", "usual", "usual", "nextwork", "nextwork", "usual", "nextwork", "usual"]


def test_a_second_draw_takes_only_the_referrals_registered_since(randomising, consultant):
    first_batch = _referrals(randomising, per_band={"18-24": 4})
    first = draw_run(municipality=randomising, actor=consultant.user, now=NOW)
    arms_before = draw_stored_arms(first)
    later = _referrals(randomising, per_band={"25-29": 2})

    second = draw_run(municipality=randomising, actor=consultant.user, now=NOW)

    assert set(draw_stored_arms(second)) == {r.pk for r in later}
    assert draw_stored_arms(first) == arms_before
    assert {r.pk for r in first_batch} == set(arms_before)


def test_draw_run_refuses_when_nothing_waits(randomising, consultant):
    refused("nothing_to_draw", lambda: draw_run(municipality=randomising, actor=consultant.user))


def test_draw_run_refuses_when_randomised_intake_is_off(municipality, consultant):
    f.ReferralFactory(municipality=municipality)
    refused("intake_off", lambda: draw_run(municipality=municipality, actor=consultant.user))


def test_draw_run_is_audited_with_counts_only(randomising, consultant):
    _referrals(randomising, per_band={"18-24": 4})

    draw = draw_run(municipality=randomising, actor=consultant.user, now=NOW)

    entry = AuditEntry.objects.get(action="draw.run")
    assert entry.target_id == draw.pk and entry.municipality_id == randomising.pk
    assert entry.data == {"referrals": 4, "nextwork": 2, "usual": 2, "ratio": [1, 1]}


@pytest.mark.postgres
def test_the_database_refuses_to_change_a_drawn_arm_or_a_draws_seed(randomising, consultant):
    _referrals(randomising, per_band={"18-24": 2})
    draw = draw_run(municipality=randomising, actor=consultant.user, now=NOW)
    referral = draw.referrals.first()
    other = "usual" if referral.arm == "nextwork" else "nextwork"

    with pytest.raises(DatabaseError, match="arm is final"), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(arm=other)
    with pytest.raises(DatabaseError, match="draw is final"), transaction.atomic():
        Draw.objects.filter(pk=draw.pk).update(seed="f" * 32)
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).delete()
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic():
        Draw.objects.filter(pk=draw.pk)._raw_delete(Draw.objects.db)
    assert draw_reproduce(draw) == draw_stored_arms(draw)


# --- youth from the NExTWORK arm only ------------------------------------------------------------


def _drawn(municipality, arm: str, **fields) -> Referral:
    draw = f.DrawFactory(municipality=municipality)
    return f.ReferralFactory(municipality=municipality, draw=draw, arm=arm, **fields)


def _create(municipality, user, referral=None, birth_date=date(2006, 3, 4)):
    return youth_create(
        municipality=municipality,
        actor=user,
        first_name="Sofie",
        birth_date=birth_date,
        referral=referral,
        now=NOW,
    )


def test_a_nextwork_referral_becomes_a_youth_linked_to_it(randomising, consultant):
    referral = _drawn(randomising, Arm.NEXTWORK)

    youth = _create(randomising, consultant.user, referral)

    referral.refresh_from_db()
    assert referral.youth == youth
    assert youth.status == Youth.Status.INVITED


def test_a_usual_service_referral_can_never_be_registered_or_invited(randomising, consultant):
    referral = _drawn(randomising, Arm.USUAL)

    error = refused("usual_service", lambda: _create(randomising, consultant.user, referral))
    with translation.override("en"):
        assert "drawn to usual service" in str(error.message)


def test_an_undrawn_referral_cannot_become_a_youth(randomising, consultant):
    referral = f.ReferralFactory(municipality=randomising)
    refused("not_drawn", lambda: _create(randomising, consultant.user, referral))


def test_a_referral_becomes_one_youth_only(randomising, consultant):
    referral = _drawn(randomising, Arm.NEXTWORK)
    _create(randomising, consultant.user, referral)
    refused("referral_used", lambda: _create(randomising, consultant.user, referral))


def test_the_birth_date_must_agree_with_the_referrals_birth_year(randomising, consultant):
    referral = _drawn(randomising, Arm.NEXTWORK)
    refused(
        "birth_year_mismatch",
        lambda: _create(randomising, consultant.user, referral, birth_date=date(2007, 1, 1)),
        field="birth_date",
    )


def test_a_randomising_municipality_registers_youth_only_from_referrals(randomising, consultant):
    refused("referral_required", lambda: _create(randomising, consultant.user), field="referral")


def test_another_municipalitys_referral_is_not_found(randomising, other_municipality, admin_user):
    referral = _drawn(randomising, Arm.NEXTWORK)
    refused("not_found", lambda: _create(other_municipality, admin_user, referral))


def test_the_database_keeps_usual_service_referrals_without_a_youth(randomising):
    referral = _drawn(randomising, Arm.USUAL)
    youth = f.YouthFactory(municipality=randomising)

    with pytest.raises(DatabaseError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(youth=youth)


# --- erasure and retention -----------------------------------------------------------------------


def test_erasing_a_youth_erases_their_referral_and_keeps_its_arm(randomising, consultant):
    referral = _drawn(randomising, Arm.NEXTWORK, referral_date=date(2026, 10, 17))
    youth = _create(randomising, consultant.user, referral)

    youth_erase(youth=youth, actor=consultant.user, now=NOW)

    referral.refresh_from_db()
    assert referral.reference == "" and referral.birth_year is None
    assert referral.referral_date == date(2026, 10, 1)
    assert (referral.arm, referral.age_band, referral.municipality_id) == (
        Arm.NEXTWORK,
        "18-24",
        randomising.pk,
    )
    assert referral.erased_at == NOW
    assert AuditEntry.objects.filter(action="referral.erase", target_id=referral.pk).exists()


def test_referrals_without_a_youth_are_erased_on_the_retention_schedule(
    randomising, consultant, settings
):
    settings.NEXTWORK_RETENTION_DAYS = 730
    _referrals(randomising, per_band={"18-24": 4, "15-17": 1})
    draw = draw_run(municipality=randomising, actor=consultant.user, now=NOW)
    waiting = f.ReferralFactory(municipality=randomising)
    arms_before = Counter(Referral.objects.values_list("arm", "age_band"))

    assert referrals_purge_expired(now=NOW + timedelta(days=729)) == 0
    erased = referrals_purge_expired(now=NOW + timedelta(days=731))

    assert erased == 5
    assert not Referral.objects.filter(draw=draw, erased_at__isnull=True).exists()
    assert not Referral.objects.filter(draw=draw).exclude(reference="").exists()
    assert Counter(Referral.objects.values_list("arm", "age_band")) == arms_before
    assert draw_reproduce(draw) == draw_stored_arms(draw)  # age bands and ids are kept
    # Registered (not drawn) now: its own clock runs from today.
    waiting.refresh_from_db()
    assert waiting.erased_at is None


def test_housekeeping_runs_the_referrals_retention(randomising, consultant):
    from domain.services.housekeeping import housekeeping_run

    _referrals(randomising, per_band={"18-24": 2})
    draw_run(municipality=randomising, actor=consultant.user, now=NOW)

    done = housekeeping_run(now=NOW + timedelta(days=5000))

    assert done["referrals erased after the retention period"] == 2


def test_the_youths_data_export_names_the_referral_they_came_from(randomising, consultant):
    from domain.services.privacy import youth_export

    referral = _drawn(randomising, Arm.NEXTWORK, reference="SAG-EXPORT-9")
    youth = _create(randomising, consultant.user, referral)

    data = youth_export(youth=youth, actor=youth, now=NOW)

    assert data["referral"]["case_reference"] == "SAG-EXPORT-9"
    assert data["referral"]["arm"] == "nextwork"
    other = f.YouthFactory()
    assert youth_export(youth=other, actor=other)["referral"] is None
