"""Municipal sign-in (OpenID Connect) against a real provider: the npm package oidc-provider,
installed by this test into var/npm-safety/ when missing and started on a free port. A
requests session plays the browser through the provider's own login and consent pages.

The sign-in matches an existing consultant of that municipality by verified e-mail (then by
the linked subject), never creates an account, and never signs in a consultant of another
municipality or a company member."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import requests
from django.contrib.auth import get_user_model

from domain.models import MunicipalIdentity, MunicipalSignIn
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
NPM_DIR = ROOT / "var" / "npm-safety"
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID, CLIENT_SECRET = "nextwork-roskilde", "test-secret-not-used-elsewhere"

pytestmark = [pytest.mark.django_db(transaction=True)]

ACCOUNTS = {
    "mette-entra-id": "Mette@Roskilde.dk",  # a consultant of Roskilde (case differs)
    "sofie-entra-id": "sofie@vejle.dk",  # a consultant of another municipality
    "bager-entra-id": "bager@example.dk",  # a company member
    "ukendt-entra-id": "ukendt@roskilde.dk",  # nobody in NExTWORK
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _install_provider() -> None:
    if (NPM_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is missing (apt-get install npm); CI machines have it")
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 (npm from PATH, fixed arguments)
        [npm, "install", "--no-audit", "--no-fund", "--silent", "oidc-provider@8.8.1"],
        cwd=NPM_DIR,
        check=True,
        timeout=300,
    )


@pytest.fixture
def provider(live_server):
    """The provider's issuer URL, with a client whose redirect goes to the live server."""
    _install_provider()
    shutil.copy(SCRIPT, NPM_DIR / SCRIPT.name)
    port = _free_port()
    redirect = f"{live_server.url}/login/kommune/roskilde/svar/"
    log = (NPM_DIR / "provider.log").open("w")  # the provider's own errors, for a failing run
    process = subprocess.Popen(  # noqa: S603
        [
            shutil.which("node") or "node",
            SCRIPT.name,
            str(port),
            CLIENT_ID,
            CLIENT_SECRET,
            redirect,
            json.dumps(ACCOUNTS),
        ],
        cwd=NPM_DIR,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        log.close()


@pytest.fixture
def roskilde_sign_in(provider, municipality):
    return MunicipalSignIn.objects.create(
        municipality=municipality, issuer=provider, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )


@pytest.fixture
def people(municipality, other_municipality, company):
    mette = f.ConsultantFactory(municipality=municipality, user__email="mette@roskilde.dk")
    sofie = f.ConsultantFactory(municipality=other_municipality, user__email="sofie@vejle.dk")
    baker = f.CompanyMemberFactory(company=company, user__email="bager@example.dk")
    return {"mette": mette, "sofie": sofie, "baker": baker}


def _form(page: requests.Response) -> tuple[str, dict[str, str]]:
    """The page's form: where it posts and its prefilled fields (the provider's hidden
    ``prompt`` says which step the post answers)."""
    form = re.search(r"<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", page.text, re.S)
    assert form, page.text[:500]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(2)):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return urljoin(page.url, form.group(1)), fields


def sign_in(live_server, sub: str) -> tuple[requests.Session, requests.Response]:
    """Through the provider's login and consent pages as ``sub``; returns the session and the
    last answer (back at NExTWORK)."""
    browser = requests.Session()
    login_page = browser.get(f"{live_server.url}/login/kommune/roskilde/", timeout=20)
    assert urlparse(login_page.url).path.startswith("/interaction/"), login_page.url
    action, fields = _form(login_page)
    consent = browser.post(action, data={**fields, "login": sub, "password": "x"}, timeout=20)
    if urlparse(consent.url).path.startswith("/interaction/"):
        action, fields = _form(consent)
        answer = browser.post(action, data=fields, timeout=20)
    else:
        answer = consent
    return browser, answer


def test_a_consultant_signs_in_by_email_and_then_by_subject(live_server, roskilde_sign_in, people):
    users_before = get_user_model().objects.count()
    _browser, answer = sign_in(live_server, "mette-entra-id")

    # Logged in as Mette, and on to the second factor before any page.
    assert answer.url.startswith(f"{live_server.url}/login/totrin/"), answer.url
    identity = MunicipalIdentity.objects.get(subject="mette-entra-id")
    assert identity.user == people["mette"].user
    assert get_user_model().objects.count() == users_before

    # Her e-mail changes in NExTWORK: the linked subject still finds her.
    user = people["mette"].user
    user.email = "mette.new@roskilde.dk"
    user.save()
    _, again = sign_in(live_server, "mette-entra-id")
    assert again.url.startswith(f"{live_server.url}/login/totrin/"), again.url


@pytest.mark.parametrize("sub", ["ukendt-entra-id", "sofie-entra-id", "bager-entra-id"])
def test_nobody_else_is_signed_in_nor_created(live_server, roskilde_sign_in, people, sub):
    users_before = get_user_model().objects.count()

    browser, answer = sign_in(live_server, sub)

    assert answer.url == f"{live_server.url}/login/", answer.url
    assert "no consultant in NExTWORK matches it" in answer.text or "ingen konsulent" in answer.text
    assert not MunicipalIdentity.objects.exists()
    assert get_user_model().objects.count() == users_before
    # Not logged in: a consultant page sends the browser to the login.
    page = browser.get(f"{live_server.url}/konsulent/", timeout=20)
    assert urlparse(page.url).path == "/login/"


def test_a_disabled_sign_in_is_not_offered(live_server, roskilde_sign_in, client):
    roskilde_sign_in.enabled = False
    roskilde_sign_in.save()
    assert client.get("/login/kommune/roskilde/").status_code == 404
    assert "/login/kommune/" not in client.get("/login/").text


def test_the_login_page_offers_the_municipality(roskilde_sign_in, client, municipality):
    assert f'href="/login/kommune/{municipality.slug}/"' in client.get("/login/").text
