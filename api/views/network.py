"""Municipalities and sectors (public reference data), companies with their self-registration,
network memberships (requested by companies, decided by consultants) and company members."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from api.filters.network import CompanyFilter, MembershipFilter
from api.permissions import IsPortalUser
from api.schema import errors, id_path
from api.serializers.network import (
    CompanyMemberSerializer,
    CompanyRegisterSerializer,
    CompanySerializer,
    CompanyUpdateSerializer,
    MembershipRejectSerializer,
    MembershipRequestSerializer,
    MembershipSerializer,
    MunicipalitySerializer,
    SectorSerializer,
)
from api.throttling import SharedScopedThrottle
from domain import policy
from domain.exceptions import DomainError
from domain.models import Municipality, Sector
from domain.selectors.network import (
    companies_visible_to_user,
    company_get_for_user,
    membership_get_for_user,
    memberships_visible_to_user,
)
from domain.services.network import (
    company_member_remove,
    company_register,
    company_update,
    membership_accept,
    membership_reject,
    membership_request,
)


def municipality_from(municipality_id: int, *, field: str = "municipality") -> Municipality:
    """Municipalities are public (the registration form lists them), so an unknown id is bad
    input, not a hidden object."""
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None:
        raise DomainError(
            _("Choose a municipality from the list."), code="municipality_invalid", field=field
        )
    return municipality


def actor_of(request):
    return request.user if request.user.is_authenticated else None


@extend_schema_view(
    list=extend_schema(
        summary="List municipalities",
        description="Every municipality of the programme (public: the registration form "
        "needs them).",
        responses={200: MunicipalitySerializer(many=True), **errors(400, 404, 429)},
        auth=[],
    ),
    retrieve=extend_schema(
        summary="One municipality",
        description="A municipality by id.",
        responses={200: MunicipalitySerializer, **errors(404, 429)},
        auth=[],
    ),
)
class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = MunicipalitySerializer
    search_fields = ["name"]
    ordering_fields = ["name"]
    lookup_value_regex = "[0-9]+"
    queryset = Municipality.objects.order_by("name", "id")


@extend_schema_view(
    list=extend_schema(
        summary="List sectors",
        description="The sector reference list (public), names in both languages and in the "
        "caller's.",
        responses={200: SectorSerializer(many=True), **errors(400, 404, 429)},
        auth=[],
    ),
    retrieve=extend_schema(
        summary="One sector",
        description="A sector by its code.",
        responses={200: SectorSerializer, **errors(404, 429)},
        auth=[],
    ),
)
class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = SectorSerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends: list = []
    queryset = Sector.objects.order_by("ordering", "code")


@extend_schema_view(
    list=extend_schema(
        summary="List companies",
        description="A company member sees their own company; a consultant the companies in, "
        "or asking to join, their municipality's network; an admin all.",
        responses={200: CompanySerializer(many=True), **errors(400, 401, 403, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="One company",
        description="A company the caller may see (else 404).",
        responses={200: CompanySerializer, **errors(401, 403, 404, 429)},
    ),
    partial_update=extend_schema(
        summary="Change a company's profile",
        description="Name, address, postcode, city, sector (CVR by admins only). Members of "
        "the company, consultants of a network it belongs to, and admins.",
        request=CompanyUpdateSerializer,
        responses={200: CompanySerializer, **errors(400, 401, 403, 404, 409, 429)},
    ),
)
class CompanyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsPortalUser]
    serializer_class = CompanySerializer
    filterset_class = CompanyFilter
    search_fields = ["name", "cvr", "city"]
    ordering_fields = ["name", "created_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return companies_visible_to_user(user=self.request.user)

    def get_object(self):
        return company_get_for_user(user=self.request.user, company_id=self.kwargs["pk"])

    def get_permissions(self):
        if self.action == "register":
            return [AllowAny()]
        return super().get_permissions()

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "register":
            throttles.append(SharedScopedThrottle())
        return throttles

    @property
    def throttle_scope(self):
        return "register" if self.action == "register" else None

    def partial_update(self, request, pk=None):
        data = CompanyUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        company = company_update(
            company=self.get_object(), actor=request.user, **data.validated_data
        )
        return Response(CompanySerializer(company).data)

    @extend_schema(
        summary="Register a company",
        description="Self-registration (no login needed): creates the company, its first "
        "member (a company admin, who can then log in) and a pending request to join the "
        "municipality's network, which a consultant accepts or rejects. Throttled per address.",
        request=CompanyRegisterSerializer,
        responses={201: CompanySerializer, **errors(400, 403, 409, 429)},
        auth=[],
    )
    @action(detail=False, methods=["post"])
    def register(self, request):
        data = CompanyRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["municipality"] = municipality_from(fields["municipality"])
        company = company_register(**fields, actor=actor_of(request))
        return Response(CompanySerializer(company).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Ask to join a network",
        description="The company (an admin member of it), a consultant of that municipality "
        "(inviting it in), or an admin asks for the company to join a municipality's network. "
        "A rejected company may ask again.",
        request=MembershipRequestSerializer,
        responses={201: MembershipSerializer, **errors(400, 401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"], url_path="memberships")
    def request_membership(self, request, pk=None):
        data = MembershipRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        municipality = municipality_from(data.validated_data["municipality"])
        membership = membership_request(
            company=self.get_object(), municipality=municipality, actor=request.user
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="List a company's members",
        description="The portal users who act for the company.",
        responses={200: CompanyMemberSerializer(many=True), **errors(400, 401, 403, 404, 429)},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def members(self, request, pk=None):
        members = self.get_object().members.select_related("user").order_by("created_at", "id")
        page = self.paginate_queryset(members)
        return self.get_paginated_response(CompanyMemberSerializer(page, many=True).data)

    @extend_schema(
        summary="Remove a company member",
        description="The company's own admin members and admins take away a member's access "
        "(the user account stays). The last company admin cannot be removed.",
        request=None,
        responses={204: None, **errors(401, 403, 404, 409, 429)},
        parameters=[id_path("member_id", "The member's id (from the members list).")],
    )
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<member_id>[0-9]+)")
    def remove_member(self, request, pk=None, member_id=None):
        member = self.get_object().members.filter(pk=member_id).first()
        if member is None:
            raise policy.not_found()
        company_member_remove(member=member, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="List network memberships",
        description="A company member sees their company's requests and memberships; a "
        "consultant their municipality's; an admin all.",
        responses={200: MembershipSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="One network membership",
        description="A membership the caller may see (else 404).",
        responses={200: MembershipSerializer, **errors(401, 403, 404, 429)},
    ),
)
class MembershipViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsPortalUser]
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    search_fields = ["company__name"]
    ordering_fields = ["requested_at", "decided_at"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return memberships_visible_to_user(user=self.request.user)

    def get_object(self):
        return membership_get_for_user(user=self.request.user, membership_id=self.kwargs["pk"])

    @extend_schema(
        summary="Accept a company into the network",
        description="A consultant of the municipality (or an admin) accepts a pending request; "
        "the company's open slots become visible to the municipality's youth.",
        request=None,
        responses={200: MembershipSerializer, **errors(401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        membership = membership_accept(membership=self.get_object(), actor=request.user)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(
        summary="Reject a membership request",
        description="With a reason the company is shown; the company may ask again.",
        request=MembershipRejectSerializer,
        responses={200: MembershipSerializer, **errors(400, 401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = MembershipRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_reject(
            membership=self.get_object(), actor=request.user, **data.validated_data
        )
        return Response(MembershipSerializer(membership).data)


urlpatterns: list = []


def register(router: SimpleRouter) -> None:
    router.register("municipalities", MunicipalityViewSet, basename="municipality")
    router.register("sectors", SectorViewSet, basename="sector")
    router.register("companies", CompanyViewSet, basename="company")
    router.register("memberships", MembershipViewSet, basename="membership")
