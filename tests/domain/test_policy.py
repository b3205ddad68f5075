"""Roles and the basic scopes every service builds on."""

import pytest
from django.contrib.auth.models import AnonymousUser

from domain import policy
from tests import factories as f


def test_roles(admin_user, consultant, company_member, youth):
    plain = f.UserFactory()
    inactive = f.ConsultantFactory(user__is_active=False).user
    assert policy.role_of(admin_user) == "admin"
    assert policy.role_of(consultant.user) == "consultant"
    assert policy.role_of(company_member.user) == "company"
    assert policy.role_of(youth) == "youth"
    assert policy.role_of(None) == "system"
    assert policy.role_of(AnonymousUser()) == "none"
    assert policy.role_of(plain) == "none"
    assert policy.role_of(inactive) == "none"


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin", True),
        ("system", True),
        ("consultant", True),
        ("other_consultant", False),
        ("company_member", False),
        ("youth", False),
    ],
)
def test_municipality_scope(request, municipality, who, allowed):
    actor = {
        "admin": lambda: request.getfixturevalue("admin_user"),
        "system": lambda: None,
        "consultant": lambda: request.getfixturevalue("consultant").user,
        "other_consultant": lambda: request.getfixturevalue("other_consultant").user,
        "company_member": lambda: request.getfixturevalue("company_member").user,
        "youth": lambda: request.getfixturevalue("youth"),
    }[who]()
    assert policy.can_manage_municipality(actor, municipality.pk) is allowed


def test_company_scope_needs_an_accepted_membership(
    municipality, consultant, company_member, other_company_member
):
    pending = f.CompanyFactory()
    f.MembershipFactory(company=pending, municipality=municipality, status="pending")
    assert policy.can_act_for_company(company_member.user, company_member.company)
    assert not policy.can_act_for_company(other_company_member.user, company_member.company)
    assert policy.can_act_for_company(consultant.user, company_member.company)
    assert not policy.can_act_for_company(consultant.user, other_company_member.company)
    assert not policy.can_act_for_company(consultant.user, pending)


def test_a_youth_acts_only_for_themself(youth, municipality):
    other = f.YouthFactory(municipality=municipality)
    assert policy.can_act_for_youth(youth, youth)
    assert not policy.can_act_for_youth(other, youth)
