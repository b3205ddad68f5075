"""Every anonymous write is rate limited by the one limiter (domain/ratelimit.py): at the
limit the attempt goes through, one past it is a 429 with Retry-After and nothing is written.
The portal and the API share a scope's budget per address."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from domain.models import Company, OutboxMessage
from domain.ratelimit import rate_limit_hit
from tests import factories as f
from tests.portal.test_company_register import URL as REGISTER_URL
from tests.portal.test_company_register import _data as registration

LIMIT = 3


@pytest.fixture
def limits(settings):
    settings.NEXTWORK_RATE_LIMITS = dict.fromkeys(settings.NEXTWORK_RATE_LIMITS, f"{LIMIT}/hour")
    return settings.NEXTWORK_RATE_LIMITS


def _cvr(n: int) -> str:
    return f.valid_cvr(f"{3100000 + n:07d}")


def _register(client, municipality, n):
    data = registration(municipality, cvr=_cvr(n), username=f"firma{n}", name=f"Firma {n} ApS")
    return client.post(REGISTER_URL, data)


def test_registration_stops_one_past_the_limit(db, municipality, limits):
    for n in range(LIMIT):
        assert _register(Client(), municipality, n).status_code == 302

    refused = _register(Client(), municipality, 99)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "Too many attempts" in refused.text or "For mange forsøg" in refused.text
    assert Company.objects.count() == LIMIT
    assert not get_user_model().objects.filter(username="firma99").exists()


def test_registration_budget_is_shared_with_the_api(db, municipality, limits):
    for n in range(LIMIT - 1):
        assert _register(Client(), municipality, n).status_code == 302
    api = APIClient()
    body = {
        "name": "Via API ApS",
        "cvr": _cvr(50),
        "address": "Algade 3",
        "postcode": "4000",
        "city": "Roskilde",
        "sector": "retail",
        "municipality": municipality.pk,
        "username": "viaapi",
        "email": "api@example.dk",
        "password": "Cykler-og-kaffe-2026",
    }
    assert api.post("/api/v1/companies/register/", body, format="json").status_code == 201

    assert _register(Client(), municipality, 98).status_code == 429
    again = api.post("/api/v1/companies/register/", {**body, "username": "x"}, format="json")
    assert again.status_code == 429
    assert again.json()["code"] == "throttled"


def test_the_limit_counts_per_address(db, municipality, limits):
    for n in range(LIMIT):
        assert _register(Client(), municipality, n).status_code == 302

    elsewhere = Client(REMOTE_ADDR="10.9.8.7")
    assert _register(elsewhere, municipality, 77).status_code == 302


def test_showing_the_form_is_not_counted(db, municipality, limits):
    for _ in range(LIMIT + 2):
        assert Client().get(REGISTER_URL).status_code == 200
    assert _register(Client(), municipality, 1).status_code == 302


def test_password_reset_stops_one_past_the_limit(db, limits):
    f.UserFactory(email="glemsom@example.dk")
    for _ in range(LIMIT):
        response = Client().post("/password/reset/", {"email": "glemsom@example.dk"})
        assert response.status_code == 302
    # The e-mails go through the outbox (the worker sends them): rows, not mail.outbox.
    resets = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.PASSWORD_RESET)
    queued = resets.count()
    assert queued >= 1

    refused = Client().post("/password/reset/", {"email": "glemsom@example.dk"})

    assert refused.status_code == 429
    assert resets.count() == queued


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_login_pages_stop_one_past_the_limit_beside_axes(db, limits, url):
    user = f.UserFactory(username="konsulent", is_staff=True, is_superuser=True)
    user.set_password("Rigtig-kode-2026")
    user.save()
    for _ in range(LIMIT):
        response = Client().post(url, {"username": "konsulent", "password": "Rigtig-kode-2026"})
        assert response.status_code == 302

    refused = Client().post(url, {"username": "konsulent", "password": "Rigtig-kode-2026"})

    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.wsgi_request.session


def test_login_budget_is_shared_with_the_api_token_login(db, limits):
    f.UserFactory(username="konsulent")
    for _ in range(LIMIT):
        rate_limit_hit(scope="login", key="127.0.0.1")
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "konsulent", "password": "x"}, format="json"
    )
    assert response.status_code == 429
    assert Client().post("/login/", {"username": "konsulent", "password": "x"}).status_code == 429
