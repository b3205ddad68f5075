"""Logging in with the municipality's own identity provider (OpenID Connect, through Authlib:
discovery, the code flow with state, nonce and PKCE, and the ID token's signature, issuer,
audience and nonce checked). Who that person is in NExTWORK is the domain's decision
(``sign_in_user``); the second factor still follows (portal/twofactor.py)."""

from __future__ import annotations

import logging

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import OAuth
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from requests import RequestException

from domain.exceptions import DomainError
from domain.models import MunicipalSignIn
from domain.services.signin import sign_in_user

logger = logging.getLogger(__name__)


def _sign_in(slug: str) -> MunicipalSignIn:
    sign_in = (
        MunicipalSignIn.objects.filter(municipality__slug=slug, enabled=True)
        .select_related("municipality")
        .first()
    )
    if sign_in is None:
        raise Http404
    return sign_in


def _client(sign_in: MunicipalSignIn):
    """A client for this municipality's provider, built per request from the admin's values
    (a registry made once at start would miss changes made in the admin)."""
    issuer = sign_in.issuer.rstrip("/")
    return OAuth().register(
        name=f"municipality{sign_in.municipality_id}",
        client_id=sign_in.client_id,
        client_secret=sign_in.client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email", "code_challenge_method": "S256"},
    )


def _claims(client, token: dict) -> dict:
    """The ID token's checked claims, with the e-mail from the userinfo endpoint when the ID
    token leaves it there (providers may); only for the same subject."""
    claims = dict(token.get("userinfo") or {})
    if claims and "email" not in claims:
        info = client.userinfo(token=token)
        if info.get("sub") == claims.get("sub"):
            claims.update({k: info[k] for k in ("email", "email_verified") if k in info})
    return claims


def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the browser to the municipality's provider."""
    sign_in = _sign_in(slug)
    callback = request.build_absolute_uri(reverse("municipal_login_callback", args=[slug]))
    try:
        return _client(sign_in).authorize_redirect(request, callback)
    except (AuthlibBaseError, RequestException, ValueError):
        logger.exception("Municipal sign-in of %s: the provider is unreachable", slug)
        messages.error(request, _("Your municipality's login cannot be reached right now."))
        return redirect("login")


def callback(request: HttpRequest, slug: str) -> HttpResponse:
    """The provider sends the browser back with a code: exchange it, check the ID token, log
    in the consultant it matches (or say why not)."""
    sign_in = _sign_in(slug)
    client = _client(sign_in)
    try:
        token = client.authorize_access_token(request)
        claims = _claims(client, token)
    except (AuthlibBaseError, RequestException, ValueError):
        logger.warning("Municipal sign-in of %s refused by the protocol", slug, exc_info=True)
        messages.error(request, _("The login with your municipality did not succeed. Try again."))
        return redirect("login")
    try:
        if not claims:
            raise DomainError(
                _("The municipality's login sent no identity."), code="sign_in_refused"
            )
        user = sign_in_user(sign_in=sign_in, claims=dict(claims))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("login")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("home")
