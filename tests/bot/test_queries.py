"""The screens a youth browses most make a fixed number of queries, however many slots,
companies and shared experiences there are (the bot benchmark's hot path), and the webhook's
bookkeeping costs one query to store an update and a share of one to finish it."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from bot import webhook
from bot.bridge import screen_for
from bot.callbacks import Filter
from bot.handlers import browse, slots
from bot.models import WebhookUpdate
from domain.models import Placement
from tests import factories as f
from tests.bot.test_screens import who_is

# The youth behind the account, the sectors, the youth's saved sectors, the count (with how many
# suit them), one page of slots with their companies.
LIST_QUERIES = 5
# The youth, the slot with its company, the sentences (their authors counted in the same
# query), the youth's own interest in it.
CARD_QUERIES = 4


def _slots_at_companies(municipality, companies: int, per_company: int) -> list:
    made = []
    for _ in range(companies):
        company = f.CompanyFactory()
        f.MembershipFactory(company=company, municipality=municipality)
        made += [f.SlotFactory(company=company) for _ in range(per_company)]
    return made


def test_the_slot_list_makes_the_same_few_queries_for_many_slots(
    youth, municipality, django_assert_max_num_queries
):
    _slots_at_companies(municipality, companies=6, per_company=4)
    with django_assert_max_num_queries(LIST_QUERIES):
        screen = screen_for(browse._list, who_is(youth), Filter())
    assert "24 fundet" in screen.text
    with django_assert_max_num_queries(LIST_QUERIES):
        screen_for(browse._list, who_is(youth), Filter(kind="p", hours=10, page=1))


def test_the_slot_card_makes_the_same_few_queries_with_many_shared_experiences(
    youth, municipality, django_assert_max_num_queries
):
    (slot, *_) = _slots_at_companies(municipality, companies=1, per_company=3)
    for n in range(6):
        author = f.YouthFactory(municipality=municipality, share_experiences=True)
        placement = f.PlacementFactory(
            youth=author,
            slot=f.SlotFactory(company=slot.company),
            status=Placement.Status.ACTIVE,
        )
        f.CheckInFactory(
            placement=placement, text=f"Godt sted {n}", week=date(2026, 10, 5), shared=True
        )
    with django_assert_max_num_queries(CARD_QUERIES):
        card = screen_for(slots._card, who_is(youth), slot.pk, Filter())
    assert slot.title in card.text and "Godt sted" in card.text


@pytest.mark.django_db(transaction=True)
def test_a_webhook_update_costs_one_query_to_store_and_a_share_of_one_to_finish(
    monkeypatch, django_assert_num_queries
):
    # Outside a transaction, as in the web process: no BEGIN/COMMIT around the INSERT, and old
    # updates pruned at most once a minute (the first store prunes: BEGIN, DELETE, COMMIT).
    monkeypatch.setattr(webhook, "_pruned_at", None)
    now = timezone.now()
    with django_assert_num_queries(4):
        assert webhook.inbox_store(update_id=1, payload={"update_id": 1}, now=now, claim=True)
    with django_assert_num_queries(1):
        assert webhook.inbox_store(
            update_id=2, payload={"update_id": 2}, now=now + timedelta(seconds=30), claim=True
        )
    with django_assert_num_queries(1):
        assert not webhook.inbox_store(update_id=2, payload={"update_id": 2}, now=now, claim=True)
    with django_assert_num_queries(1):
        webhook.inbox_done(update_ids=[1, 2])
    with django_assert_num_queries(4):
        webhook.inbox_store(
            update_id=3, payload={"update_id": 3}, now=now + webhook.PRUNE_EVERY + timedelta(1)
        )


@pytest.mark.django_db(transaction=True)
def test_a_claimed_update_waits_for_its_lease_and_an_unclaimed_one_is_taken_at_once():
    now = timezone.now()
    webhook.inbox_store(update_id=11, payload={"update_id": 11}, now=now, claim=True)
    webhook.inbox_store(update_id=12, payload={"update_id": 12}, now=now)
    assert webhook.inbox_unprocessed(now=now) == [12]
    assert webhook.inbox_claim(update_id=12, now=now) == {"update_id": 12}
    assert webhook.inbox_claim(update_id=12, now=now) is None
    later = now + webhook.LEASE + timedelta(seconds=1)
    assert webhook.inbox_unprocessed(now=later) == [11, 12]
    assert webhook.inbox_claim(update_id=11, now=later) == {"update_id": 11}
    attempts = dict(WebhookUpdate.objects.values_list("update_id", "attempts"))
    assert attempts == {11: 2, 12: 1}
