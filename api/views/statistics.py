"""Statistics per municipality (its consultants, admins) and per company (its members, admins),
built by ``domain.selectors.statistics``; youth appear only as pseudonyms."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from api.permissions import IsPortalUser
from api.schema import errors, id_path
from api.serializers.statistics import (
    CompanyStatisticsSerializer,
    MunicipalityStatisticsQuerySerializer,
    MunicipalityStatisticsSerializer,
    PeriodQuerySerializer,
)
from domain.selectors.statistics import company_statistics, municipality_statistics


class MunicipalityStatisticsView(APIView):
    permission_classes = [IsPortalUser]

    @extend_schema(
        operation_id="statistics_municipality_retrieve",
        summary="A municipality's statistics",
        description="The funnel interest → intro meeting → approved → started, interests and "
        "placements by state, weeks in placement per pseudonymised youth, check-in scores per "
        "week and event attendance, within a period of local days (both ends included). For "
        "the municipality's consultants and admins; anyone else gets 404.",
        parameters=[MunicipalityStatisticsQuerySerializer, id_path("municipality_id")],
        responses={200: MunicipalityStatisticsSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def get(self, request, municipality_id: int):
        query = MunicipalityStatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        return Response(
            municipality_statistics(
                user=request.user,
                municipality_id=municipality_id,
                date_from=params.get("date_from"),
                date_to=params.get("date_to"),
                group_id=params.get("group"),
            )
        )


class CompanyStatisticsView(APIView):
    permission_classes = [IsPortalUser]

    @extend_schema(
        operation_id="statistics_company_retrieve",
        summary="A company's statistics",
        description="The company's own slots only: the funnel, interests and placements by "
        "state, per slot counts, weeks youth spent in placements and the match events it "
        "signed up for. Counts only: no youth, not even by pseudonym. For the company's "
        "members and admins; anyone else gets 404 (a consultant sees the municipality's).",
        parameters=[PeriodQuerySerializer, id_path("company_id")],
        responses={200: CompanyStatisticsSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def get(self, request, company_id: int):
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        return Response(
            company_statistics(
                user=request.user,
                company_id=company_id,
                date_from=params.get("date_from"),
                date_to=params.get("date_to"),
            )
        )


urlpatterns = [
    path(
        "statistics/municipalities/<int:municipality_id>/",
        MunicipalityStatisticsView.as_view(),
        name="api-statistics-municipality",
    ),
    path(
        "statistics/companies/<int:company_id>/",
        CompanyStatisticsView.as_view(),
        name="api-statistics-company",
    ),
]


def register(router: SimpleRouter) -> None:
    """Plain views only (see ``urlpatterns``)."""
