"""Every page is sent with a strict Content-Security-Policy (django-csp) and a
Permissions-Policy; the browser tests prove the pages work under them (tests/browser)."""

import re

import pytest
from django.test import Client


@pytest.mark.parametrize("path", ["/login/", "/virksomhed/tilmeld/", "/password/reset/"])
def test_pages_send_a_strict_policy(db, path):
    response = Client().get(path)

    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    (nonce,) = re.findall(r"'nonce-([^']+)'", " ".join(directives["script-src"]))
    # The page's scripts carry the nonce of its own header (htmx's tag included).
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)

    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions


def test_each_response_gets_a_fresh_nonce(db):
    first = Client().get("/login/")["Content-Security-Policy"]
    second = Client().get("/login/")["Content-Security-Policy"]
    assert re.findall(r"nonce-[^']+", first) != re.findall(r"nonce-[^']+", second)


def test_api_answers_are_not_framed_either(db):
    response = Client().get("/api/v1/me/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
