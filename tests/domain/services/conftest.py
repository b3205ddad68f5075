"""Fixtures the service tests share."""

import pytest

from tests import factories as f


@pytest.fixture
def actor_of(
    youth,
    municipality,
    company_member,
    other_company_member,
    consultant,
    other_consultant,
    admin_user,
):
    """A role, as the permission tables name it → the acting object (None for the system)."""

    def get(role: str):
        return {
            "youth_self": lambda: youth,
            "other_youth": lambda: f.YouthFactory(municipality=municipality),
            "own_company": lambda: company_member.user,
            "other_company": lambda: other_company_member.user,
            "own_consultant": lambda: consultant.user,
            "other_consultant": lambda: other_consultant.user,
            "admin": lambda: admin_user,
            "system": lambda: None,
        }[role]()

    return get
