"""Who am I, and the token login for machine clients (with django-axes' lock-out)."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from api.schema import errors
from api.serializers.accounts import MeSerializer, TokenRequestSerializer, TokenSerializer
from api.throttling import SharedScopedThrottle
from domain import policy
from domain.exceptions import DomainError
from domain.ratelimit import rate_limit_hit


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = _(
        "Too many failed logins. Please wait a while before trying again, or ask an "
        "administrator to unlock the account."
    )
    default_code = "locked_out"


class InvalidCredentials(exceptions.APIException):
    # The same answer whether or not the username exists: nothing to learn from it. A 400, as
    # DRF's own token view: a 401 would need a WWW-Authenticate challenge for this very URL.
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The username or password is not correct.")
    default_code = "invalid_credentials"


class AuthTokenView(APIView):
    """Exchange a username and password for an API token; revoke it again."""

    throttle_scope = "login"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.request.method == "POST":
            throttles.append(SharedScopedThrottle())
        return throttles

    def get_authenticators(self):
        # Logging in needs no session (so no CSRF token): the password is the credential.
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get an API token",
        description=(
            "Log in with a username and password and receive the user's API token (the same "
            "token until it is revoked). After 5 failed attempts for a username from one "
            "address the login is locked for a while, even with the right password (code "
            "`locked_out`). Throttled per address. Consultants, admins and anyone who has set "
            "up two-step login also send `otp`, the code of their authenticator app or a "
            "recovery code (`otp_required`, `otp_invalid`)."
        ),
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **errors(400, 403, 429)},
        auth=[],
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # django-axes counts failures through this call; it needs the request. The DRF request
        # keeps axes' flags to itself, so the lock-out is answered here in the API's format.
        credentials = dict(data.validated_data)
        code = credentials.pop("otp", "")
        user = authenticate(request=request, **credentials)
        if getattr(request, "axes_locked_out", False):
            raise LockedOut()
        if user is None:
            raise InvalidCredentials()
        self._require_second_factor(user, code)
        # What django.contrib.auth.login() announces, without starting a session: axes resets
        # the failure count (AXES_RESET_ON_SUCCESS) and Django records last_login.
        user_logged_in.send(sender=type(user), request=request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    def _require_second_factor(self, user, code: str) -> None:
        """Staff (and anyone who set up two-step login) pass the second factor here too, or the
        token would be a way around it. Tries are limited per user."""
        if not policy.second_factor_required(user):
            return
        if not code:
            raise DomainError(
                _("Enter the code of your authenticator app (or a recovery code)."),
                code="otp_required",
                field="otp",
            )
        verdict = rate_limit_hit(scope="otp_verify", key=f"user:{user.pk}")
        if not verdict.allowed:
            raise exceptions.Throttled(wait=verdict.retry_after)
        if match_token(user, code) is None:
            raise DomainError(
                _("That code is not right. Try the one the app shows now."),
                code="otp_invalid",
                field="otp",
            )

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Revoke the API token",
        description="Delete the caller's API token; a new login makes a new one.",
        request=None,
        responses={204: None, **errors(401, 403, 429)},
    )
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="The current user",
        description=(
            "The logged-in user with their role (`admin`, `consultant`, `company` or `none`) and "
            "scope: a consultant's municipality or a company member's company."
        ),
        responses={200: MeSerializer, **errors(401, 403, 429)},
    )
    def get(self, request):
        return Response(MeSerializer(me(request.user)).data)


def me(user) -> dict:
    role = policy.role_of(user)
    municipality = user.consultant.municipality if role == "consultant" else None
    member = user.company_member if role == "company" else None
    return {
        "id": user.pk,
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": role,
        "municipality": municipality
        and {"id": municipality.pk, "name": municipality.name, "slug": municipality.slug},
        "company": member
        and {
            "id": member.company_id,
            "name": member.company.name,
            "is_company_admin": member.is_company_admin,
        },
    }


urlpatterns = [
    path("auth/token/", AuthTokenView.as_view(), name="api-auth-token"),
    path("me/", MeView.as_view(), name="api-me"),
]


def register(router: SimpleRouter) -> None:
    """Plain views only (see ``urlpatterns``)."""
