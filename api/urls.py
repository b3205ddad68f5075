"""The REST API's routes: /api/v1/…, the OpenAPI schema and its interactive docs."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from api.schema import SchemaView as EnglishSchemaView
from api.views import (
    accounts,
    audit,
    events,
    groups,
    intake,
    network,
    placements,
    slots,
    statistics,
    youth,
)

AREAS = (
    accounts,
    network,
    slots,
    youth,
    statistics,
    audit,
    events,
    groups,
    placements,
    intake,
)

router = SimpleRouter()
for area in AREAS:
    area.register(router)

v1 = [*router.urls, *(pattern for area in AREAS for pattern in area.urlpatterns)]


class NotFoundView(APIView):
    """Any other path under /api/ (an id that is not a number, a typo): the API's JSON 404,
    not Django's HTML page, so a client always gets the one error format."""

    authentication_classes = ()
    permission_classes = ()
    schema = None

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound()


class SchemaView(EnglishSchemaView):
    """The OpenAPI schema: for logged-in callers (session or token) unless ``API_DOCS_PUBLIC``.
    It maps every operation and field, which helps an attacker more than a partner who can log
    in anyway."""

    schema = None

    def get_permissions(self):
        return [AllowAny()] if settings.API_DOCS_PUBLIC else [IsAuthenticated()]


class DocsView(SpectacularSwaggerSplitView):
    """The interactive docs: an anonymous visitor is sent to the login page and back. The split
    view serves its start-up script from a URL (``?script``), so the CSP needs no inline one."""

    schema = None
    template_name = "api/swagger_ui.html"

    def get_permissions(self):
        return [AllowAny()]

    def get(self, request, *args, **kwargs):
        if not settings.API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^", NotFoundView.as_view()),
]
