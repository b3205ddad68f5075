"""The slot lists are plain scoped queries: no DISTINCT (which sorted every row of the busiest
read and its count), and still each slot once, even for a company in several networks."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from domain.models import NetworkMembership
from domain.selectors.slots import slots_visible_to_user, slots_visible_to_youth
from tests import factories as f


def test_a_company_in_two_networks_lists_each_slot_once_without_distinct(db):
    x, y = f.MunicipalityFactory(), f.MunicipalityFactory()
    company = f.CompanyFactory()
    f.MembershipFactory(company=company, municipality=x)
    f.MembershipFactory(company=company, municipality=y)
    f.MembershipFactory(
        company=company,
        municipality=f.MunicipalityFactory(),
        status=NetworkMembership.Status.PENDING,
    )
    slots = f.SlotFactory.create_batch(3, company=company)
    consultant = f.ConsultantFactory(municipality=x)
    youth = f.YouthFactory(municipality=y)

    with CaptureQueriesContext(connection) as queries:
        for_consultant = list(slots_visible_to_user(user=consultant.user))
        for_youth = list(slots_visible_to_youth(youth=youth, sector_codes=["retail"], hours=15))
        count = slots_visible_to_user(user=consultant.user).count()

    assert sorted(s.pk for s in for_consultant) == sorted(s.pk for s in slots)
    assert sorted(s.pk for s in for_youth) == sorted(s.pk for s in slots)
    assert count == 3
    assert not any("DISTINCT" in q["sql"].upper() for q in queries.captured_queries)
