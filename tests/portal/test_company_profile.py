"""The company's own details."""

import pytest
from django.urls import reverse

from domain.models import AuditEntry


def _data(**overrides):
    data = {
        "name": "Bageriet ApS",
        "address": "Torvet 3",
        "postcode": "4000",
        "city": "Roskilde",
        "sector": "retail",
    }
    return data | overrides


def test_member_updates_the_company_and_it_is_audited(client_for, company_member, company):
    client = client_for(company_member)
    assert client.get(reverse("company_profile")).context["form"].initial["address"] == "Algade 1"
    response = client.post(reverse("company_profile"), _data())
    assert response.url == reverse("company_dashboard")
    company.refresh_from_db()
    assert company.address == "Torvet 3"
    assert AuditEntry.objects.filter(action="company.update").exists()


def test_the_cvr_number_is_not_a_field(client_for, company_member, company):
    client = client_for(company_member)
    client.post(reverse("company_profile"), _data(cvr="10150817"))
    company.refresh_from_db()
    assert company.cvr != "10150817"


@pytest.mark.parametrize(("field", "value"), [("postcode", "40000"), ("name", "   ")])
def test_errors_are_shown_at_the_field(client_for, company_member, field, value):
    response = client_for(company_member).post(reverse("company_profile"), _data(**{field: value}))
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.text


def test_profile_is_for_company_members_with_csrf(client_for, consultant, company_member):
    assert client_for(consultant).get(reverse("company_profile")).status_code == 403
    response = client_for(company_member, csrf=True).post(reverse("company_profile"), _data())
    assert response.status_code == 403
