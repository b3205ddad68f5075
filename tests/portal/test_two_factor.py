"""Two-factor login (django-otp): required for consultants and admins, a choice for company
members. Logged in through the real pages (force_login in tests marks sessions as passed)."""

import re

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from domain.models import AuditEntry
from tests import factories as f
from tests.helpers import recovery_code

PASSWORD = "Et-godt-kodeord-2026"
YOUTH_LIST = "/konsulent/unge/"
SETUP = "/login/totrin/"
VERIFY = "/login/bekraeft/"


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def logged_in(user) -> Client:
    """A client after the password step, through the login page."""
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def app_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


@pytest.fixture(autouse=True)
def _no_backoff(settings):
    # django-otp also makes an app device wait after a wrong code (1 s, doubling): a wall on
    # top of our per-user rate limit, which these tests would otherwise have to sleep out.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def consultant_user(consultant):
    return with_password(consultant.user)


def test_a_consultant_without_a_device_is_sent_to_set_one_up_before_any_youth_data(
    consultant_user, youth
):
    client = logged_in(consultant_user)

    response = client.get(YOUTH_LIST)

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fkonsulent%2Funge%2F"
    assert youth.first_name not in client.get(response["Location"]).text


def test_setting_up_the_app_shows_recovery_codes_and_opens_the_pages(consultant_user, youth):
    client = logged_in(consultant_user)
    page = client.get(f"{SETUP}?next={YOUTH_LIST}")
    assert page.status_code == 200 and "<svg" in page.text
    device = TOTPDevice.objects.get(user=consultant_user, confirmed=False)

    wrong = client.post(SETUP, {"code": "000000", "next": YOUTH_LIST})
    assert wrong.status_code == 200 and "code" in wrong.context["form"].errors
    assert client.get(YOUTH_LIST).status_code == 302

    done = client.post(SETUP, {"code": current_code(device), "next": YOUTH_LIST})

    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.text)
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=consultant_user).count() == 10
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="user.second_factor_add").exists()
    listing = client.get(YOUTH_LIST)
    assert listing.status_code == 200 and youth.first_name in listing.text


def test_a_consultant_with_a_device_enters_a_code_after_the_password(consultant_user):
    device = app_device(consultant_user)
    client = logged_in(consultant_user)

    response = client.get(YOUTH_LIST)
    assert response["Location"] == f"{VERIFY}?next=%2Fkonsulent%2Funge%2F"
    wrong = client.post(VERIFY, {"code": "123456", "next": YOUTH_LIST})
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]

    right = client.post(VERIFY, {"code": current_code(device), "next": YOUTH_LIST})

    assert right.status_code == 302 and right["Location"] == YOUTH_LIST
    assert client.get(YOUTH_LIST).status_code == 200


def test_a_recovery_code_works_once(consultant_user):
    app_device(consultant_user)
    code = recovery_code(consultant_user)

    first = logged_in(consultant_user)
    assert first.post(VERIFY, {"code": code, "next": YOUTH_LIST}).status_code == 302
    assert first.get(YOUTH_LIST).status_code == 200

    second = logged_in(consultant_user)
    again = second.post(VERIFY, {"code": code, "next": YOUTH_LIST})
    assert again.status_code == 200 and again.context["form"].errors["code"]


def test_codes_are_rate_limited_per_user(consultant_user, settings):
    settings.NEXTWORK_RATE_LIMITS = {**settings.NEXTWORK_RATE_LIMITS, "otp_verify": "3/minute"}
    device = app_device(consultant_user)
    client = logged_in(consultant_user)
    for _ in range(3):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 200

    refused = client.post(VERIFY, {"code": current_code(device)})

    assert refused.status_code == 429
    assert client.get(YOUTH_LIST).status_code == 302


def test_a_company_member_needs_no_second_factor_but_may_choose_one(company_member):
    user = with_password(company_member.user)
    client = logged_in(user)
    assert client.get("/virksomhed/").status_code == 200

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(SETUP, {"code": current_code(device)}).status_code == 200

    # From now on their login asks for it.
    later = logged_in(user)
    assert later.get("/virksomhed/")["Location"].startswith(VERIFY)


def test_an_admin_is_sent_to_set_up_the_second_factor_before_the_admin(db):
    admin = with_password(f.AdminUserFactory(username="chef"))
    client = Client()
    client.post("/admin/login/", {"username": "chef", "password": PASSWORD})

    response = client.get("/admin/portal/youth/")

    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    assert admin.is_superuser


def test_the_api_refuses_a_session_that_has_not_passed_the_second_factor(consultant_user):
    client = logged_in(consultant_user)

    response = client.get("/api/v1/youth/")

    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


def test_the_token_endpoint_requires_the_second_factor_for_staff(consultant_user):
    device = app_device(consultant_user)
    url = "/api/v1/auth/token/"
    credentials = {"username": consultant_user.username, "password": PASSWORD}

    missing = APIClient().post(url, credentials, format="json")
    assert missing.status_code == 400
    assert missing.json()["code"] == "otp_required" and "otp" in missing.json()["fields"]
    wrong = APIClient().post(url, {**credentials, "otp": "000000"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "otp_invalid"

    right = APIClient().post(url, {**credentials, "otp": current_code(device)}, format="json")

    assert right.status_code == 200 and right.json()["token"]


def test_the_token_endpoint_needs_no_second_factor_from_a_company_member(company_member):
    user = with_password(company_member.user)
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_socket_is_refused_before_the_second_factor(consultant):
    from tests.portal.live_support import Sockets, cookie_of

    def password_only():
        with_password(consultant.user)
        return logged_in(consultant.user)

    client = await database_sync_to_async(password_only)()
    async with Sockets() as sockets:
        _, connected, _ = await sockets.open("/ws/dashboard/", cookie=cookie_of(client))
        assert not connected
