"""Which networks a company may still ask to join: the one rule behind the front page's link
and the join page's list."""

from domain.models import NetworkMembership
from domain.selectors.network import networks_to_join
from tests import factories as f


def test_a_company_member_sees_the_networks_their_company_is_not_in_nor_asking_to_join(
    company, company_member, municipality, other_municipality
):
    asked = f.MunicipalityFactory(name="Aabenraa")
    free = f.MunicipalityFactory(name="Odense")
    NetworkMembership.objects.create(company=company, municipality=asked)  # pending
    assert company.memberships.filter(municipality=municipality).exists()  # accepted
    assert list(networks_to_join(user=company_member.user)) == sorted(
        [other_municipality, free], key=lambda m: m.name
    )


def test_nobody_else_gets_a_network_to_join(consultant, admin_user, youth):
    assert not networks_to_join(user=consultant.user).exists()
    assert not networks_to_join(user=admin_user).exists()
    assert not networks_to_join(user=None).exists()
