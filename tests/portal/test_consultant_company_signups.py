"""Consultants sign a company of their network up for a match event (attendees and the slots
it brings) and cancel it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from domain.models import CompanySignup, MatchEvent
from tests import factories as f
from tests.helpers import snapshot


def url(name: str, *args) -> str:
    return reverse(f"consultant:{name}", args=[getattr(a, "pk", a) for a in args])


@pytest.fixture
def event(municipality):
    return f.EventFactory(municipality=municipality, company_capacity=2)


@pytest.fixture
def foreign_event(other_municipality):
    return f.EventFactory(municipality=other_municipality)


def confirmed(event, company, *slots, attendees=1):
    row = CompanySignup.objects.create(
        event=event, company=company, attendees=attendees, created_at=timezone.now()
    )
    row.slots.add(*slots)
    return row


def test_the_form_offers_only_network_companies_not_yet_signed_up(
    client_for, consultant, event, company, slot, other_company, municipality
):
    pending = f.CompanyFactory(name="Venter ApS")
    f.MembershipFactory(company=pending, municipality=municipality, status="pending")
    signed = f.CompanyFactory(name="Allerede Med ApS")
    f.MembershipFactory(company=signed, municipality=municipality)
    confirmed(event, signed)
    page = client_for(consultant).get(url("event_detail", event)).content.decode()
    form = page[page.index('id="company-signup"') :]
    assert f'<option value="{company.pk}">' in form
    assert f"{company.name}: {slot.title}" in form
    for name in (other_company.name, "Venter ApS", "Allerede Med ApS"):
        assert name not in form


def test_signing_a_company_up_with_attendees_and_slots(
    client_for, consultant, event, company, slot
):
    response = client_for(consultant).post(
        url("event_company_signup", event),
        {"company": company.pk, "attendees": "3", "slot_ids": [slot.pk]},
    )
    assert response.status_code == 302
    row = CompanySignup.objects.get(event=event, company=company)
    assert (row.status, row.attendees) == ("confirmed", 3)
    assert list(row.slots.all()) == [slot]


def test_too_many_attendees_are_shown_at_the_field(client_for, consultant, event, company):
    response = client_for(consultant).post(
        url("event_company_signup", event), {"company": company.pk, "attendees": "21"}
    )
    assert response.status_code == 400
    assert 'id="id_attendees_error"' in response.content.decode()
    assert not CompanySignup.objects.exists()


def test_another_companys_slot_is_shown_at_the_field(
    client_for, consultant, event, company, municipality
):
    neighbour = f.CompanyFactory(name="Naboen ApS")
    f.MembershipFactory(company=neighbour, municipality=municipality)
    theirs = f.SlotFactory(company=neighbour)
    response = client_for(consultant).post(
        url("event_company_signup", event),
        {"company": company.pk, "attendees": "1", "slot_ids": [theirs.pk]},
    )
    assert response.status_code == 400
    assert 'id="id_slot_ids_error"' in response.content.decode()
    assert not CompanySignup.objects.exists()


def test_a_company_outside_the_network_is_refused_at_the_field(
    client_for, consultant, event, other_company
):
    response = client_for(consultant).post(
        url("event_company_signup", event), {"company": other_company.pk, "attendees": "1"}
    )
    assert response.status_code == 400
    assert 'id="id_company_error"' in response.content.decode()
    assert not CompanySignup.objects.exists()


def test_a_full_event_says_why_not(client_for, consultant, event, company, municipality):
    for _ in range(2):
        other = f.CompanyFactory()
        f.MembershipFactory(company=other, municipality=municipality)
        confirmed(event, other)
    response = client_for(consultant).post(
        url("event_company_signup", event), {"company": company.pk, "attendees": "1"}
    )
    assert response.status_code == 400
    assert "message--error" in response.content.decode()
    assert not CompanySignup.objects.filter(company=company).exists()


def test_cancelling_a_companys_sign_up(client_for, consultant, event, company, slot):
    row = confirmed(event, company, slot)
    response = client_for(consultant).post(url("event_company_signup_cancel", event, row.pk))
    assert response.status_code == 302
    assert CompanySignup.objects.get(pk=row.pk).status == CompanySignup.Status.CANCELLED


def test_cancelling_after_the_start_says_why_not(client_for, consultant, municipality, company):
    started = f.EventFactory(
        municipality=municipality,
        starts_at=timezone.now() - timedelta(minutes=5),
        signup_deadline=timezone.now() - timedelta(days=1),
    )
    row = confirmed(started, company)
    response = client_for(consultant).post(
        url("event_company_signup_cancel", started, row.pk), follow=True
    )
    assert "message--error" in response.content.decode()
    assert CompanySignup.objects.get(pk=row.pk).status == CompanySignup.Status.CONFIRMED


def test_a_sign_up_of_another_event_is_not_found_here(
    client_for, consultant, event, company, municipality
):
    elsewhere = f.EventFactory(municipality=municipality)
    row = confirmed(elsewhere, company)
    response = client_for(consultant).post(url("event_company_signup_cancel", event, row.pk))
    assert response.status_code == 404
    assert CompanySignup.objects.get(pk=row.pk).status == CompanySignup.Status.CONFIRMED


def test_another_municipalitys_event_is_not_found(
    client_for, consultant, foreign_event, other_company
):
    row = confirmed(foreign_event, other_company)
    client = client_for(consultant)
    response = client.post(
        url("event_company_signup", foreign_event), {"company": other_company.pk, "attendees": 1}
    )
    assert response.status_code == 404
    assert client.post(url("event_company_signup_cancel", foreign_event, row.pk)).status_code == 404
    assert CompanySignup.objects.get(pk=row.pk).status == CompanySignup.Status.CONFIRMED


def test_admin_signs_up_a_company_of_any_network(
    client_for, admin_user, foreign_event, other_company
):
    response = client_for(admin_user).post(
        url("event_company_signup", foreign_event), {"company": other_company.pk, "attendees": 2}
    )
    assert response.status_code == 302
    assert CompanySignup.objects.get(event=foreign_event).company == other_company


@pytest.mark.parametrize("who", ["company_member", "other_company_member"])
def test_company_members_may_not_use_the_consultants_forms(
    client_for, request, who, event, company
):
    row = confirmed(event, company)
    client = client_for(request.getfixturevalue(who))
    signup_url = url("event_company_signup", event)
    assert client.post(signup_url, {"company": company.pk}).status_code == 403
    assert client.post(url("event_company_signup_cancel", event, row.pk)).status_code == 403
    assert CompanySignup.objects.get(pk=row.pk).status == CompanySignup.Status.CONFIRMED


def test_anonymous_is_sent_to_login(client_for, event, company):
    response = client_for(None).post(url("event_company_signup", event), {"company": company.pk})
    assert response.status_code == 302
    assert not CompanySignup.objects.exists()


def test_csrf_is_enforced_and_nothing_changes(client_for, consultant, event, company, slot):
    other = f.CompanyFactory()
    row = confirmed(event, other)
    before = snapshot(CompanySignup, MatchEvent)
    client = client_for(consultant, csrf=True)
    data = {"company": company.pk, "attendees": "1", "slot_ids": [slot.pk]}
    assert client.post(url("event_company_signup", event), data).status_code == 403
    assert client.post(url("event_company_signup_cancel", event, row.pk)).status_code == 403
    assert snapshot(CompanySignup, MatchEvent) == before


def test_company_and_slot_names_render_inert(client_for, consultant, event, municipality):
    company = f.CompanyFactory(name="<script>alert('c')</script>")
    f.MembershipFactory(company=company, municipality=municipality)
    f.SlotFactory(company=company, title="<script>alert('s')</script>")
    page = client_for(consultant).get(url("event_detail", event)).content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page


@pytest.mark.parametrize("n", [1, 30])
def test_the_company_form_does_not_grow_the_queries(
    client_for, consultant, event, municipality, n, django_assert_max_num_queries
):
    for _ in range(n):
        company = f.CompanyFactory()
        f.MembershipFactory(company=company, municipality=municipality)
        f.SlotFactory(company=company)
    client = client_for(consultant)
    with django_assert_max_num_queries(14):
        assert client.get(url("event_detail", event)).status_code == 200
