"""Interests carry their youth's municipality on the row, and it stays true.

A municipality's reads of interests walk the row's own column (an index of its own) instead of
joining every youth in the country; this is only right while the copy equals the youth's.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from domain.models import Interest
from domain.selectors.placements import interests_visible_to_user
from domain.services.interests import interest_show
from domain.services.youth import youth_update
from tests import factories as f


def test_interest_show_copies_the_youth_municipality(youth, slot):
    interest = interest_show(youth=youth, slot=slot, actor=youth)

    assert interest.municipality_id == youth.municipality_id
    assert Interest.objects.get(pk=interest.pk).municipality_id == youth.municipality_id


def test_a_youth_cannot_be_moved_to_another_municipality(youth, consultant, other_municipality):
    """The domain has no move: youth_update refuses the field, so the copy cannot go stale."""
    with pytest.raises(TypeError, match="municipality"):
        youth_update(youth=youth, actor=consultant.user, municipality=other_municipality)


def test_consultants_see_the_interests_of_their_own_municipality_only(
    consultant, youth, other_youth, slot
):
    own = f.InterestFactory(youth=youth, slot=slot)
    f.InterestFactory(youth=other_youth, slot=slot)

    assert list(interests_visible_to_user(user=consultant.user)) == [own]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_municipality_of_existing_interests(youth, other_youth, slot):
    own = f.InterestFactory(youth=youth, slot=slot)
    other = f.InterestFactory(youth=other_youth, slot=slot)
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("portal", "0004_outbox_send_started")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(leaves)

    assert Interest.objects.get(pk=own.pk).municipality_id == youth.municipality_id
    assert Interest.objects.get(pk=other.pk).municipality_id == other_youth.municipality_id
