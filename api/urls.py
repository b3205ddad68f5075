"""The REST API's routes: /api/v1/…, the OpenAPI schema and its interactive docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import exceptions
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from api.schema import SchemaView
from api.views import (
    accounts,
    audit,
    events,
    groups,
    network,
    placements,
    slots,
    statistics,
    youth,
)

AREAS = (accounts, network, slots, youth, statistics, audit, events, groups, placements)

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


urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^", NotFoundView.as_view()),
]
