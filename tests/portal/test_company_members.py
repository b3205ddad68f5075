"""Colleagues: the list, inviting (company admins only, by e-mail), removing access."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from domain.models import CompanyMember
from tests import factories as f
from tests.helpers import deliver_emails


@pytest.fixture
def company_admin(company):
    return f.CompanyMemberFactory(company=company, is_company_admin=True, user__username="boss")


def test_members_page_lists_own_colleagues_only(
    client_for, company_admin, company_member, other_company_member
):
    html = client_for(company_member).get(reverse("company_members")).text
    assert "boss" in html and "baker" in html
    assert "other_member" not in html
    assert "Invite" not in html and 'name="email"' not in html


def test_admin_invites_a_colleague_who_sets_a_password_by_mail(client_for, company_admin, company):
    response = client_for(company_admin).post(
        reverse("company_members"), {"email": "ny@example.dk", "is_company_admin": "on"}
    )
    assert response.url == reverse("company_members")
    member = CompanyMember.objects.get(user__username="ny@example.dk")
    assert member.company == company and member.is_company_admin
    assert mail.outbox == []  # through the outbox: no SMTP call in the request
    assert deliver_emails() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny@example.dk"]
    assert company.name in message.subject
    link = re.search(r"https?://[^/]+(/password/reset/\S+/)", message.body).group(1)
    client = Client()
    form_url = client.get(link).url
    client.post(
        form_url, {"new_password1": "Min-egen-kode-77", "new_password2": "Min-egen-kode-77"}
    )
    assert User.objects.get(username="ny@example.dk").check_password("Min-egen-kode-77")


@pytest.mark.parametrize("email", ["not-an-address", "baker@example.dk"])
def test_invite_shows_errors_at_the_email_field(client_for, company_admin, company_member, email):
    if email == "baker@example.dk":
        User.objects.create_user(username=email, email=email, password="x-Secret-2026")
    response = client_for(company_admin).post(reverse("company_members"), {"email": email})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert 'id="id_email_error"' in response.text
    assert mail.outbox == []


def test_invite_of_a_failed_membership_leaves_no_user_behind(
    client_for, company_admin, monkeypatch
):
    from portal.views import company_members

    def refuse(**kwargs):
        from domain.policy import forbidden

        raise forbidden()

    monkeypatch.setattr(company_members, "company_member_add", refuse)
    response = client_for(company_admin).post(reverse("company_members"), {"email": "x@example.dk"})
    assert response.status_code == 403
    assert not User.objects.filter(username="x@example.dk").exists()


def test_only_company_admins_invite(client_for, company_member):
    response = client_for(company_member).post(
        reverse("company_members"), {"email": "n@example.dk"}
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="n@example.dk").exists()


def test_invite_enforces_csrf(client_for, company_admin):
    response = client_for(company_admin, csrf=True).post(
        reverse("company_members"), {"email": "n@example.dk"}
    )
    assert response.status_code == 403


def test_admin_removes_a_colleague_but_not_from_another_company(
    client_for, company_admin, company_member, other_company_member
):
    client = client_for(company_admin)
    url = reverse("company_member_remove", args=[other_company_member.pk])
    assert client.post(url).status_code == 404
    assert CompanyMember.objects.filter(pk=other_company_member.pk).exists()
    client.post(reverse("company_member_remove", args=[company_member.pk]))
    assert not CompanyMember.objects.filter(pk=company_member.pk).exists()


def test_colleagues_cannot_remove_anyone(client_for, company_admin, company_member):
    url = reverse("company_member_remove", args=[company_admin.pk])
    assert client_for(company_member).post(url).status_code == 403


def test_the_last_admin_cannot_remove_themself(client_for, company_admin):
    response = client_for(company_admin).post(
        reverse("company_member_remove", args=[company_admin.pk]), follow=True
    )
    assert "message--error" in response.text
    assert CompanyMember.objects.filter(pk=company_admin.pk).exists()
