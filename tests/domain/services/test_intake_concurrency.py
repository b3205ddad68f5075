"""Real concurrency on PostgreSQL: two consultants drawing at once never draw a referral twice."""

import pytest

from domain.models import Draw, Municipality, Referral
from domain.selectors.intake import draw_reproduce, draw_stored_arms
from domain.services.intake import draw_run
from tests import factories as f
from tests.helpers import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_consultants_drawing_at_once_draw_each_referral_once(municipality):
    Municipality.objects.filter(pk=municipality.pk).update(intake_randomised=True)
    municipality.refresh_from_db()
    f.ReferralFactory.create_batch(12, municipality=municipality)
    users = [f.ConsultantFactory(municipality=municipality).user for _ in range(2)]

    results = run_together(
        [lambda user=user: draw_run(municipality=municipality, actor=user) for user in users]
    )

    assert sorted(results) == ["nothing_to_draw", "ok"]
    draw = Draw.objects.get()
    assert Referral.objects.filter(draw=draw).count() == 12
    assert not Referral.objects.filter(draw__isnull=True).exists()
    assert draw_reproduce(draw) == draw_stored_arms(draw)
