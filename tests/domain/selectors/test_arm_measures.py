"""The statistics' comparison of the arms of a randomised intake: referrals per arm and age
band, the NExTWORK arm's measures and weeks per referral, every figure from fewer than five
youth shown as "< 5"."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from domain.models import Municipality, Placement
from domain.selectors.outcomes import SUPPRESSED, outcome_measures
from tests import factories as f

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
START = NOW - timedelta(weeks=20)


@pytest.fixture
def trial(municipality, slot):
    """A draw of 13 referrals: 7 NExTWORK (6 registered, 5 of them placed for 2 weeks), 6
    usual service; all aged 18–24 but one usual-service 15–17."""
    Municipality.objects.filter(pk=municipality.pk).update(intake_randomised=True)
    draw = f.DrawFactory(municipality=municipality)
    for number in range(7):
        youth = None
        if number < 6:
            with time_machine.travel(START, tick=False):
                youth = f.YouthFactory(municipality=municipality)
        if number < 5:
            f.PlacementFactory(
                youth=youth,
                slot=slot,
                status=Placement.Status.COMPLETED,
                start_date=(START + timedelta(weeks=1)).date(),
                started_at=START + timedelta(weeks=1),
                ended_at=START + timedelta(weeks=3),
            )
        f.ReferralFactory(
            municipality=municipality,
            draw=draw,
            arm="nextwork",
            youth=youth,
            referral_date=date(2026, 1, 20),
        )
    for number in range(6):
        f.ReferralFactory(
            municipality=municipality,
            draw=draw,
            arm="usual",
            age_band="15-17" if number == 0 else "18-24",
            referral_date=date(2026, 1, 20),
        )
    return draw


def measures(user, municipality, **kwargs):
    return outcome_measures(user=user, municipality_id=municipality.pk, now=NOW, **kwargs)


def test_the_arms_are_compared_where_the_intake_is_randomised(consultant, municipality, trial):
    by_arm = measures(consultant.user, municipality)["by_arm"]

    nextwork, usual = by_arm["arms"]
    assert (nextwork["arm"], nextwork["referrals"], nextwork["youth"]) == ("nextwork", 7, 6)
    # Weeks per referral: five with 2 weeks, two with none (one never registered).
    assert nextwork["weeks_per_referral"]["mean"] == round(10 / 7, 1)
    assert nextwork["weeks_per_referral"]["n"] == 7
    assert nextwork["measures"]["weeks_in_placement"]["median"] == 2.0
    assert (usual["arm"], usual["referrals"]) == ("usual", 6)
    assert usual["measures"] is None and usual["youth"] is None
    bands = {row["age_band"]: row for row in by_arm["age_bands"]}
    assert (bands["18-24"]["nextwork"], bands["18-24"]["usual"]) == (7, 5)
    # Fewer than five in a cell: "< 5", zero included.
    assert (bands["15-17"]["nextwork"], bands["15-17"]["usual"]) == (SUPPRESSED, SUPPRESSED)
    assert nextwork["measures"]["left"] == SUPPRESSED


def test_an_arm_with_fewer_than_five_shows_no_figure(consultant, municipality, slot):
    Municipality.objects.filter(pk=municipality.pk).update(intake_randomised=True)
    draw = f.DrawFactory(municipality=municipality)
    f.ReferralFactory.create_batch(5, municipality=municipality, draw=draw, arm="nextwork")
    f.ReferralFactory.create_batch(4, municipality=municipality, draw=draw, arm="usual")

    nextwork, usual = measures(consultant.user, municipality)["by_arm"]["arms"]

    assert (nextwork["referrals"], usual["referrals"]) == (5, SUPPRESSED)
    assert nextwork["youth"] == SUPPRESSED  # none registered
    assert nextwork["weeks_per_referral"]["mean"] == 0.0


def test_no_arms_without_a_randomised_intake(consultant, municipality):
    assert measures(consultant.user, municipality)["by_arm"] is None


def test_no_arms_for_one_group(consultant, municipality, trial):
    group = f.GroupFactory(municipality=municipality)
    assert measures(consultant.user, municipality, group_id=group.pk)["by_arm"] is None


def test_the_cohort_filter_chooses_referrals_by_their_referral_date(
    consultant, municipality, trial
):
    by_arm = measures(consultant.user, municipality, date_from=date(2026, 2, 1))["by_arm"]
    assert [arm["referrals"] for arm in by_arm["arms"]] == [SUPPRESSED, SUPPRESSED]
