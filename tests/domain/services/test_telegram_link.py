"""Linking, unlinking and re-linking a Telegram account; lock order and lock failures."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError
from django.db.models import QuerySet

from domain import locking
from domain.exceptions import DomainError
from domain.models import AuditEntry, Invite, MatchEvent, Youth
from domain.services.invites import invite_create, invite_redeem
from domain.services.youth import youth_create, youth_leave, youth_unlink_telegram
from tests import factories as f

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def link(youth, consultant, telegram_id: int) -> Youth:
    issued = invite_create(youth=youth, actor=consultant.user)
    return invite_redeem(
        token=issued.token,
        telegram_user_id=telegram_id,
        telegram_chat_id=telegram_id,
        consent_version="2026-1",
    )


def test_redeeming_locks_the_youth_before_the_invite(municipality, consultant):
    """Every path that locks both (invite_create, leaving, erasure) takes the youth first;
    the same order everywhere is what keeps two of them from deadlocking."""
    youth = f.InvitedYouthFactory(municipality=municipality)
    issued = invite_create(youth=youth, actor=consultant.user)
    order = []
    real = locking.lock_for_update

    def spy(model, pk):
        order.append(model)
        return real(model, pk)

    with mock.patch("domain.services.invites.lock_for_update", side_effect=spy):
        invite_redeem(
            token=issued.token, telegram_user_id=77, telegram_chat_id=77, consent_version="2026-1"
        )
    assert order == [Youth, Invite]


@pytest.mark.parametrize("related", [(), ("municipality",)], ids=["alone", "with-related-rows"])
def test_a_deadlock_is_reported_as_busy_not_as_a_crash(db, related):
    event = f.EventFactory()
    broken = mock.Mock(side_effect=OperationalError("deadlock detected"))
    # The locked read is the only query in the block; whichever queryset it builds ends in get().
    with (
        mock.patch.object(QuerySet, "get", broken),
        pytest.raises(DomainError) as err,
    ):
        locking.lock_for_update(MatchEvent, event.pk, related=related)
    assert err.value.code == "busy"
    broken.assert_called_once()


def test_a_youth_who_left_frees_their_telegram_account_for_a_new_record(municipality, consultant):
    first = link(f.InvitedYouthFactory(municipality=municipality), consultant, 4242)
    youth_leave(youth=first, actor=consultant.user, destination="unknown")
    first.refresh_from_db()
    assert (first.telegram_user_id, first.telegram_chat_id, first.telegram_username) == (
        None,
        None,
        "",
    )

    again = youth_create(
        municipality=municipality,
        actor=consultant.user,
        first_name="Igen",
        birth_date=date(2004, 2, 2),
    )
    assert link(again, consultant, 4242).telegram_user_id == 4242


def test_staff_unlink_a_lost_account_so_a_new_one_can_be_linked(municipality, consultant):
    youth = link(f.InvitedYouthFactory(municipality=municipality), consultant, 1111)
    with pytest.raises(DomainError) as err:
        invite_create(youth=youth, actor=consultant.user)
    assert err.value.code == "youth_already_linked"

    youth_unlink_telegram(youth=youth, actor=consultant.user)
    youth.refresh_from_db()
    assert (youth.telegram_user_id, youth.unreachable_at) == (None, None)
    assert AuditEntry.objects.filter(action="youth.unlink_telegram", target_id=youth.pk).exists()
    assert link(youth, consultant, 2222).telegram_user_id == 2222


@pytest.mark.parametrize("who", ["other_consultant", "company_member", "youth_self"])
def test_only_staff_of_the_municipality_unlink(request, municipality, consultant, who):
    youth = link(f.InvitedYouthFactory(municipality=municipality), consultant, 3333)
    actor = youth if who == "youth_self" else request.getfixturevalue(who).user
    with pytest.raises(DomainError) as err:
        youth_unlink_telegram(youth=youth, actor=actor)
    assert err.value.code == "forbidden"
    youth.refresh_from_db()
    assert youth.telegram_user_id == 3333


def test_redeeming_with_an_outdated_consent_version_stores_nothing(municipality, consultant):
    youth = f.InvitedYouthFactory(municipality=municipality)
    issued = invite_create(youth=youth, actor=consultant.user)
    with pytest.raises(DomainError) as err:
        invite_redeem(
            token=issued.token, telegram_user_id=9, telegram_chat_id=9, consent_version="2019-1"
        )
    assert err.value.code == "consent_invalid"
    youth.refresh_from_db()
    assert (youth.telegram_user_id, youth.consent_at) == (None, None)
