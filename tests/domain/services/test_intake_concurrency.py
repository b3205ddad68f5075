"""Real concurrency on PostgreSQL: two consultants drawing at once never draw a referral twice."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from domain.exceptions import DomainError
from domain.models import Draw, Municipality, Referral
from domain.selectors.intake import draw_reproduce, draw_stored_arms
from domain.services.intake import draw_run
from tests import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls: list) -> list[str]:
    """Each call in its own thread and connection, released at once by a barrier: "ok" or
    the DomainError's code per call."""
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
