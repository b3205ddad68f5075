"""The shared pages: front door, login, lock-out, logout, password reset, language switch."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.helpers import deliver_emails

PASSWORD = "correct horse battery staple"


def test_home_sends_anonymous_visitors_to_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response.url == reverse("login")


def test_home_sends_company_members_to_their_dashboard(client_for, company_member):
    response = client_for(company_member).get("/")
    assert response.url == reverse("company_dashboard")


@pytest.mark.parametrize("who", ["consultant", "admin_user"])
def test_home_sends_consultants_and_admins_to_the_consultant_pages(client_for, request, who):
    response = client_for(request.getfixturevalue(who)).get("/")
    assert response.url == "/konsulent/"


def test_home_tells_a_login_without_role_that_it_has_no_access(client_for, db):
    response = client_for(f.UserFactory()).get("/")
    assert response.status_code == 200
    assert "ikke knyttet til en virksomhed eller en kommune" in response.text


def test_login_page_labels_its_fields_and_links_password_reset(db):
    response = Client().get(reverse("login"))
    html = response.text
    assert response.status_code == 200
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert reverse("password_reset") in html
    assert 'class="skip-link" href="#main"' in html


def test_login_with_right_password_goes_on_to_the_start_page(company_member):
    response = Client().post(
        reverse("login"), {"username": "baker", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("company_dashboard")


def test_login_with_wrong_password_shows_the_error_on_the_form(company_member):
    response = Client().post(reverse("login"), {"username": "baker", "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert "_auth_user_id" not in response.wsgi_request.session


def test_login_enforces_csrf(company_member):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "baker", "password": PASSWORD})
    assert response.status_code == 403


def test_locked_out_login_gets_a_kind_page_with_a_way_forward(company_member, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "baker", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "baker", "password": PASSWORD})
    assert response.status_code == 429
    assert "<h1>" in response.text
    assert "Du kan prøve igen om 15 minutter." in response.text
    assert reverse("password_reset") in response.text
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client_for, company_member):
    client = client_for(company_member)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link_that_sets_a_new_password(company_member):
    company_member.user.email = "baker@example.dk"
    company_member.user.save()
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "baker@example.dk"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []  # through the outbox: no SMTP call in the request
    assert deliver_emails() == 1
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    assert "baker" in mail.outbox[0].body

    form_url = client.get(link).url  # Django swaps the token for a session key first
    response = client.post(
        form_url, {"new_password1": "a-new-Secret-2026", "new_password2": "a-new-Secret-2026"}
    )
    assert response.url == reverse("password_reset_complete")
    company_member.user.refresh_from_db()
    assert company_member.user.check_password("a-new-Secret-2026")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(db):
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.dk"})
    assert response.url == reverse("password_reset_done")
    assert deliver_emails() == 0
    assert mail.outbox == []


def test_password_reset_with_a_used_link_explains_and_offers_a_new_one(db):
    response = Client().get("/password/reset/MQ/set-password/")
    assert response.status_code == 200
    assert reverse("password_reset") in response.text


def test_pages_are_danish_by_default_and_english_by_the_switch(db):
    client = Client()
    assert "Log ind" in client.get(reverse("login")).text
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True
    )
    assert '<html lang="en">' in response.text
    assert "Log in" in response.text


def test_wrong_role_gets_403_page(client_for, consultant):
    response = client_for(consultant).get(reverse("company_dashboard"))
    assert response.status_code == 403


def test_company_pages_send_anonymous_visitors_to_login(db):
    response = Client().get(reverse("company_dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_a_refused_form_gets_a_kind_page_instead_of_a_technical_one(db):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})
    assert response.status_code == 403
    assert "For din sikkerhed" in response.text
    assert "CSRF" not in response.text


def test_password_reset_answers_the_same_in_content_and_time_whether_or_not_the_address_exists(
    company_member, settings
):
    """With an SMTP server that never answers, an e-mail sent inside the request would hold the
    answer for EMAIL_TIMEOUT seconds, and only for an address that exists."""
    import time

    from tests.smtp import silent_listener

    company_member.user.email = "baker@example.dk"
    company_member.user.save()
    with silent_listener() as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 3
        answers = {}
        for address in ("baker@example.dk", "nobody@example.dk"):
            started = time.monotonic()
            response = Client().post(reverse("password_reset"), {"email": address})
            answers[address] = (response.status_code, response["Location"], response.content)
            assert time.monotonic() - started < 1.5
    assert answers["baker@example.dk"] == answers["nobody@example.dk"]
    queued = company_member.user.email_outbox.get()
    assert (queued.kind, queued.payload) == ("password_reset", {})  # no token waits in a row
