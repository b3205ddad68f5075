"""youth_cards_for_company: the company's card of many interests at once, same fields as
youth_card_for_company, in a fixed number of queries."""

import pytest

from domain.models import Placement, Youth
from domain.selectors.youth import youth_card_for_company, youth_cards_for_company
from tests import factories as f


def test_cards_equal_the_single_card(company_member, slot, youth):
    interests = [f.InterestFactory(slot=slot, message="Hej"), f.InterestFactory(slot=slot)]
    cards = youth_cards_for_company(user=company_member.user, interests=interests)
    for interest in interests:
        assert cards[interest.pk] == youth_card_for_company(
            user=company_member.user, interest=interest
        )


def test_contact_only_while_a_placement_with_the_company_is_approved_or_active(
    company_member, slot, youth
):
    youth.telegram_username = "handle"
    youth.save()
    interest = f.InterestFactory(slot=slot, youth=youth)
    user = company_member.user
    assert "contact" not in youth_cards_for_company(user=user, interests=[interest])[interest.pk]
    placement = f.PlacementFactory(slot=slot, youth=youth, status=Placement.Status.ACTIVE)
    card = youth_cards_for_company(user=user, interests=[interest])[interest.pk]
    assert card["contact"] == "handle"
    assert card == youth_card_for_company(user=user, interest=interest)
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.COMPLETED)
    assert "contact" not in youth_cards_for_company(user=user, interests=[interest])[interest.pk]
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.ACTIVE)
    Youth.objects.filter(pk=youth.pk).update(status=Youth.Status.LEFT)
    assert "contact" not in youth_cards_for_company(user=user, interests=[interest])[interest.pk]


def test_contact_at_another_company_does_not_count(company_member, slot, youth, other_company):
    youth.telegram_username = "handle"
    youth.save()
    interest = f.InterestFactory(slot=slot, youth=youth)
    f.PlacementFactory(youth=youth, slot=f.SlotFactory(company=other_company), status="active")
    card = youth_cards_for_company(user=company_member.user, interests=[interest])
    assert "contact" not in card[interest.pk]


def test_interests_the_user_may_not_see_are_left_out(
    company_member, other_company_member, consultant, other_consultant, slot, youth
):
    interest = f.InterestFactory(slot=slot, youth=youth)
    assert youth_cards_for_company(user=other_company_member.user, interests=[interest]) == {}
    assert youth_cards_for_company(user=other_consultant.user, interests=[interest]) == {}
    assert youth_cards_for_company(user=youth, interests=[interest]) == {}
    assert interest.pk in youth_cards_for_company(user=consultant.user, interests=[interest])


@pytest.mark.parametrize("rows", [1, 25])
def test_cards_take_a_fixed_number_of_queries(
    company_member, slot, municipality, rows, django_assert_num_queries
):
    interests = [
        f.InterestFactory(slot=slot, youth=f.YouthFactory(municipality=municipality))
        for _ in range(rows)
    ]
    with django_assert_num_queries(4):  # the role lookup, interests, sectors, placements
        cards = youth_cards_for_company(user=company_member.user, interests=interests)
    assert len(cards) == rows
