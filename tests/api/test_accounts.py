"""Logging in to the API: tokens (and revoking them), sessions with CSRF, throttling, and the
django-axes lock-out after repeated failures; /me/ for every role."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from domain import policy
from tests import factories as f
from tests.api._matrix import Case, cells, check_cell, roles
from tests.api.conftest import assert_error
from tests.helpers import recovery_code, snapshot

PASSWORD = "Rigtig-hemmelig-2026"
TOKEN_URL = "/api/v1/auth/token/"

MATRIX = {
    "me": Case("get", lambda o: "/api/v1/me/", roles(*(200,) * 7) | {"anonymous": 401}),
    "token-revoke": Case("delete", lambda o: TOKEN_URL, roles(*(204,) * 7) | {"anonymous": 401}),
}


@pytest.mark.parametrize(("name", "role"), cells(MATRIX))
def test_permission_matrix(name, role, api_as, world):
    check_cell(MATRIX, name, role, api_as, world)


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("norole", {"role": "none", "municipality": None, "company": None}),
        ("admin", {"role": "admin", "municipality": None, "company": None}),
        ("consultant_x", {"role": "consultant", "company": None}),
        ("member_b", {"role": "company", "municipality": None}),
    ],
)
def test_me_gives_role_and_scope(role, scope, api_as, world):
    body = api_as(role).get("/api/v1/me/").json()
    assert body["username"] == role
    assert {key: body[key] for key in scope} == scope
    if role == "consultant_x":
        assert body["municipality"] == {"id": world.x.pk, "name": "Roskilde", "slug": "roskilde"}
    if role == "member_b":
        assert body["company"] == {
            "id": world.company_b.pk,
            "name": world.company_b.name,
            "is_company_admin": True,
        }


@pytest.fixture
def user(world):
    user = world.users["consultant_x"]
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client, username="consultant_x", password=PASSWORD, otp=None, **extra):
    """The token login; staff send a second factor (a fresh recovery code unless given)."""
    data = {"username": username, "password": password}
    user = get_user_model().objects.filter(username=username).first()
    if otp is None and user is not None and policy.second_factor_required(user):
        otp = recovery_code(user)
    if otp is not None:
        data["otp"] = otp
    return client.post(TOKEN_URL, data, **extra)


def test_a_token_from_username_and_password_authenticates(user):
    response = login(APIClient())
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert token == Token.objects.get(user=user).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["username"] == "consultant_x"
    # Logging in again gives the same token (several scripts may share one account).
    assert login(APIClient()).json()["token"] == token


def test_a_revoked_token_no_longer_works(user):
    token = login(APIClient()).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=user).exists()
    assert_error(client.get("/api/v1/me/"), 401, "authentication_failed")


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(user):
    wrong = login(APIClient(), password="forkert")
    unknown = login(APIClient(), username="nobody_here", password="forkert")
    assert_error(wrong, 400, "invalid_credentials")
    assert wrong.json() == unknown.json()
    assert not Token.objects.exists()


def test_an_inactive_user_gets_no_token(user):
    user.is_active = False
    user.save()
    assert_error(login(APIClient()), 400, "invalid_credentials")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"password": PASSWORD}, "username"),
        ({"username": "consultant_x"}, "password"),
        ({"username": "consultant_x", "password": ["x"]}, "password"),
        ({"username": "u" * 151, "password": PASSWORD}, "username"),
    ],
)
def test_token_request_refuses_invalid_input(data, field, user):
    assert_error(APIClient().post(TOKEN_URL, data, format="json"), 400, "invalid", field)
    assert not Token.objects.exists()


def test_the_sixth_try_is_refused_even_with_the_right_password(user):
    client = APIClient()
    for _ in range(4):
        assert_error(login(client, password="forkert"), 400, "invalid_credentials")
    # The fifth failure locks the username from this address, and says so.
    assert_error(login(client, password="forkert"), 403, "locked_out")
    body = assert_error(login(client), 403, "locked_out")
    assert "Too many failed logins" in login(client, HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    assert "consultant_x" not in body["message"]
    assert not Token.objects.exists()


def test_the_lock_out_answer_does_not_tell_whether_the_user_exists(user):
    answers = {}
    for username in ("consultant_x", "nobody_here"):
        client = APIClient()
        for _ in range(5):
            login(client, username=username, password="forkert")
        answers[username] = login(client, username=username).json()
    assert answers["consultant_x"] == answers["nobody_here"]
    assert answers["nobody_here"]["code"] == "locked_out"


def test_the_lock_out_is_per_username_and_address(user):
    for _ in range(5):
        login(APIClient(), password="forkert", REMOTE_ADDR="10.0.0.9")
    assert login(APIClient(), REMOTE_ADDR="10.0.0.9").status_code == 403
    # The same username from another address still logs in: nobody locks a colleague out.
    assert login(APIClient(), REMOTE_ADDR="10.0.0.10").status_code == 200


def test_a_successful_login_resets_the_failure_count(user):
    client = APIClient()
    for _ in range(4):
        login(client, password="forkert")
    assert login(client).status_code == 200
    for _ in range(4):
        login(client, password="forkert")
    assert login(client).status_code == 200


# --- sessions and CSRF ---------------------------------------------------------------------------


@pytest.fixture
def session_client(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["member_a"])
    return client


def test_a_session_may_read_without_a_csrf_token(session_client):
    assert session_client.get("/api/v1/me/").status_code == 200


def test_a_session_write_without_csrf_token_is_refused_and_changes_nothing(session_client, world):
    from domain.models import Company

    before = snapshot(Company)
    response = session_client.patch(
        f"/api/v1/companies/{world.company_a.pk}/", {"city": "Ny by"}, format="json"
    )
    body = assert_error(response, 403, "permission_denied")
    assert "CSRF" in body["message"]
    assert snapshot(Company) == before


def test_a_session_write_with_the_csrf_token_goes_through(session_client, world):
    session_client.get("/api/v1/me/")  # any page: the cookie is set on demand below
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    session_client.cookies["csrftoken"] = secret
    response = session_client.patch(
        f"/api/v1/companies/{world.company_a.pk}/",
        {"city": "Ny by"},
        format="json",
        HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret),
    )
    assert response.status_code == 200, response.content
    assert response.json()["city"] == "Ny by"


def test_a_token_client_needs_no_csrf_token(user, world):
    token = login(APIClient()).json()["token"]
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.patch(f"/api/v1/companies/{world.company_a.pk}/", {"city": "Ny by"})
    assert response.status_code == 200, response.content


# --- throttling ----------------------------------------------------------------------------------


def test_anonymous_callers_are_throttled_with_a_clear_429(monkeypatch, db):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    client = APIClient()
    for _ in range(3):
        assert client.get("/api/v1/sectors/").status_code == 200
    response = client.get("/api/v1/sectors/", HTTP_ACCEPT_LANGUAGE="en")
    body = assert_error(response, 429, "throttled")
    assert "throttled" in body["message"].lower()
    assert int(response["Retry-After"]) > 0


def test_authenticated_callers_are_throttled_per_user(monkeypatch, api_as, world):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "2/minute")
    first = api_as("member_a")
    for _ in range(2):
        assert first.get("/api/v1/me/").status_code == 200
    assert_error(first.get("/api/v1/me/"), 429, "throttled")
    # Another user has their own budget.
    assert api_as("member_b").get("/api/v1/me/").status_code == 200


def test_token_logins_are_throttled_per_address(settings, user):
    settings.NEXTWORK_RATE_LIMITS = {**settings.NEXTWORK_RATE_LIMITS, "login": "2/minute"}
    client = APIClient()
    assert login(client).status_code == 200
    assert login(client).status_code == 200
    assert_error(login(client), 429, "throttled")


def test_a_factory_user_cannot_log_in_without_a_password(world):
    # Factories make users with unusable passwords unless told otherwise: no empty-password login.
    f.UserFactory(username="empty")
    assert_error(login(APIClient(), username="empty", password=""), 400, "invalid", "password")


def test_login_errors_speak_danish_by_default_and_english_on_request(user):
    danish = login(APIClient(), password="forkert").json()["message"]
    english = login(APIClient(), password="forkert", HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    assert danish == "Brugernavnet eller adgangskoden er forkert."
    assert english == "The username or password is not correct."
