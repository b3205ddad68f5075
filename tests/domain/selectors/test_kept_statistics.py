"""A municipality's statistics and outcome measures are kept while nothing in it changes, and
only then (domain/selectors/kept.py)."""

import pytest
from django.core.cache import cache
from django.utils import translation

from domain.exceptions import DomainError
from domain.models import Youth
from domain.selectors.outcomes import outcome_measures
from domain.selectors.statistics import municipality_statistics
from domain.services.youth import youth_leave
from tests import factories as f


@pytest.fixture
def kept(settings):
    settings.NEXTWORK_STATISTICS_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def youth_count(municipality, user) -> object:
    return outcome_measures(user=user, municipality_id=municipality.pk)["all"]["youth"]


def add_active_youth(municipality, n):
    f.YouthFactory.create_batch(n, municipality=municipality, status=Youth.Status.ACTIVE)


def test_a_second_view_is_served_kept_until_the_municipality_changes(
    kept, municipality, consultant, django_assert_max_num_queries
):
    add_active_youth(municipality, 5)
    first = outcome_measures(user=consultant.user, municipality_id=municipality.pk)
    assert first["all"]["youth"] == 5
    assert first["computed_at"] is not None

    # A change the services did not make (no audit entry) is not seen yet...
    add_active_youth(municipality, 1)
    with django_assert_max_num_queries(3):  # the consultant, the municipality, its last change
        again = outcome_measures(user=consultant.user, municipality_id=municipality.pk)
    assert again == first

    # ...any change a service makes is, at once.
    leaving = f.YouthFactory(municipality=municipality, status=Youth.Status.ACTIVE)
    youth_leave(youth=leaving, actor=consultant.user, destination="education")
    fresh = outcome_measures(user=consultant.user, municipality_id=municipality.pk)
    assert fresh["all"]["youth"] == 7
    assert fresh["all"]["left"] == "< 5"  # one youth left: counted, and suppressed
    assert fresh["computed_at"] >= first["computed_at"]


def test_kept_figures_are_still_only_for_staff_of_the_municipality(
    kept, municipality, consultant, other_municipality
):
    add_active_youth(municipality, 5)
    assert youth_count(municipality, consultant.user) == 5
    stranger = f.ConsultantFactory(municipality=other_municipality)
    with pytest.raises(DomainError) as refused:
        youth_count(municipality, stranger.user)
    assert refused.value.code == "not_found"


def test_each_language_and_filter_is_kept_apart(kept, municipality, consultant):
    add_active_youth(municipality, 5)
    with translation.override("en"):
        english = outcome_measures(user=consultant.user, municipality_id=municipality.pk)
    with translation.override("da"):
        danish = outcome_measures(user=consultant.user, municipality_id=municipality.pk)
    labels = [row["label"] for row in english["all"]["destinations"]]
    assert labels != [row["label"] for row in danish["all"]["destinations"]]
    group = f.GroupFactory(municipality=municipality)
    in_group = outcome_measures(
        user=consultant.user, municipality_id=municipality.pk, group_id=group.pk
    )
    assert in_group["all"]["youth"] == "< 5"  # nobody in the group, not the kept five


def test_with_the_cache_off_every_view_computes_afresh(settings, municipality, consultant):
    settings.NEXTWORK_STATISTICS_CACHE_SECONDS = 0
    cache.clear()
    add_active_youth(municipality, 5)
    assert youth_count(municipality, consultant.user) == 5
    add_active_youth(municipality, 1)
    assert youth_count(municipality, consultant.user) == 6


def test_the_statistics_are_kept_alike(kept, municipality, consultant, slot):
    def interests() -> int:
        stats = municipality_statistics(user=consultant.user, municipality_id=municipality.pk)
        return stats["funnel"][0]["count"]

    youth = f.YouthFactory(municipality=municipality, status=Youth.Status.ACTIVE)
    f.InterestFactory(youth=youth, slot=slot)
    assert interests() == 1
    f.InterestFactory(youth=f.YouthFactory(municipality=municipality), slot=slot)
    assert interests() == 1  # not audited: not seen yet
    youth_leave(youth=youth, actor=consultant.user, destination="education")
    assert interests() == 2
