"""Company self-registration, the pending state, and asking to join another network."""

import pytest
from django.test import Client
from django.urls import reverse

from domain.models import Company, CompanyMember, NetworkMembership
from tests import factories as f

URL = "/virksomhed/tilmeld/"


def _data(municipality, **overrides):
    data = {
        "name": "Cykelsmeden ApS",
        "cvr": "1015 0817",  # passes modulus 11; spaces are fine
        "address": "Algade 2",
        "postcode": "4000",
        "city": "Roskilde",
        "sector": "retail",
        "municipality": municipality.slug,
        "username": "smed",
        "email": "smed@example.dk",
        "password": "Cykler-og-kaffe-2026",
        "password_again": "Cykler-og-kaffe-2026",
    }
    return data | overrides


def test_register_page_labels_every_field(db, municipality):
    response = Client().get(reverse("company_register"))
    assert response.status_code == 200
    for name in ("name", "cvr", "postcode", "sector", "municipality", "password"):
        assert f'<label for="id_{name}">' in response.text
    assert municipality.name in response.text


def test_register_creates_company_admin_and_pending_membership_and_logs_in(db, municipality):
    client = Client()
    response = client.post(URL, _data(municipality), follow=True)
    assert response.redirect_chain[-1][0] == reverse("company_dashboard")
    company = Company.objects.get(cvr="10150817")
    member = CompanyMember.objects.get(company=company)
    assert member.user.username == "smed" and member.is_company_admin
    membership = NetworkMembership.objects.get(company=company)
    assert membership.status == "pending" and membership.municipality == municipality
    # The pending company sees that it waits for the municipality.
    assert "I venter på kommunen" in response.text
    assert "Cykelsmeden ApS" in response.text


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"cvr": "10150818"}, "cvr", "modulus 11"),
        ({"postcode": "40"}, "postcode", "4"),
        ({"username": "baker"}, "username", ""),
        ({"password": "1234", "password_again": "1234"}, "password", ""),
        ({"password_again": "something else"}, "password_again", ""),
        ({"name": ""}, "name", ""),
    ],
)
def test_register_shows_service_errors_at_the_field(
    db, municipality, company_member, overrides, field, text
):
    response = Client().post(URL, _data(municipality, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert text in " ".join(errors[field])
    assert f'id="id_{field}_error"' in response.text
    assert f'aria-describedby="id_{field}_error"' in response.text or (
        f'id_{field}_helptext id_{field}_error"' in response.text
    )
    assert not Company.objects.filter(name="Cykelsmeden ApS").exists()


def test_register_refuses_a_taken_cvr_at_the_field(db, municipality, company):
    response = Client().post(URL, _data(municipality, cvr=company.cvr))
    assert "cvr" in response.context["form"].errors


def test_register_enforces_csrf(db, municipality):
    response = Client(enforce_csrf_checks=True).post(URL, _data(municipality))
    assert response.status_code == 403
    assert not Company.objects.exists()


def test_logged_in_users_are_sent_home_instead_of_registering(client_for, company_member):
    response = client_for(company_member).get(URL)
    assert response.url == reverse("home")


def test_company_admin_asks_to_join_another_network(
    client_for, company, municipality, other_municipality
):
    admin = f.CompanyMemberFactory(company=company, is_company_admin=True)
    client = client_for(admin)
    dashboard = client.get(reverse("company_dashboard")).text
    assert reverse("company_membership_request") in dashboard
    page = client.get(reverse("company_membership_request")).text
    assert other_municipality.name in page
    assert f'value="{municipality.slug}"' not in page  # already in that network
    response = client.post(
        reverse("company_membership_request"), {"municipality": other_municipality.slug}
    )
    assert response.url == reverse("company_dashboard")
    assert (
        NetworkMembership.objects.get(company=company, municipality=other_municipality).status
        == "pending"
    )


def test_the_front_page_links_to_joining_instead_of_listing_every_municipality(
    client_for, company, municipality, django_assert_max_num_queries
):
    """The front page stays the same size however many municipalities there are (issue 19)."""
    admin = f.CompanyMemberFactory(company=company, is_company_admin=True)
    client = client_for(admin)
    others = [f.MunicipalityFactory() for _ in range(3)]
    with django_assert_max_num_queries(12):
        page = client.get(reverse("company_dashboard")).text
    assert reverse("company_membership_request") in page
    assert not any(other.name in page for other in others)
    NetworkMembership.objects.bulk_create(
        NetworkMembership(company=company, municipality=other) for other in others
    )
    page = client.get(reverse("company_dashboard")).text
    assert reverse("company_membership_request") not in page  # in (or asking to join) every one


def test_an_unknown_municipality_is_refused_on_the_page_with_nothing_asked(
    client_for, company, municipality
):
    admin = f.CompanyMemberFactory(company=company, is_company_admin=True)
    response = client_for(admin).post(
        reverse("company_membership_request"), {"municipality": "atlantis"}
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text or "errorlist" in response.text
    assert NetworkMembership.objects.filter(company=company).count() == 1


def test_asking_twice_for_the_same_network_is_refused_kindly(client_for, company, municipality):
    admin = f.CompanyMemberFactory(company=company, is_company_admin=True)
    response = client_for(admin).post(
        reverse("company_membership_request"), {"municipality": municipality.slug}, follow=True
    )
    assert NetworkMembership.objects.filter(company=company).count() == 1
    assert 'class="message message--error"' in response.text


def test_only_company_admins_ask_to_join_networks(client_for, company_member, other_municipality):
    response = client_for(company_member).post(
        reverse("company_membership_request"), {"municipality": other_municipality.slug}
    )
    assert response.status_code == 403
    assert client_for(company_member).get(reverse("company_membership_request")).status_code == 403
    assert "Join another" not in client_for(company_member).get(reverse("company_dashboard")).text
