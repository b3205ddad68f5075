"""Youth records (consultants of the youth's municipality and admins only) and their invites:
the Telegram deep link and its QR code, shown once."""

import segno
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from api.filters.youth import YouthFilter
from api.permissions import IsStaff
from api.schema import errors
from api.serializers.youth import (
    InviteSerializer,
    YouthChangeSerializer,
    YouthCreateSerializer,
    YouthLeaveSerializer,
    YouthSerializer,
)
from api.views.network import municipality_from
from api.views.thin import resolved
from domain import policy
from domain.exceptions import DomainError
from domain.models import Consultant
from domain.selectors.intake import referral_get_for_user
from domain.selectors.youth import youth_get_for_user, youth_visible_to_user
from domain.services.invites import invite_create
from domain.services.youth import (
    youth_create,
    youth_leave,
    youth_pause,
    youth_resume,
    youth_update,
)


def _consultant_of(consultant_id: int | None, municipality_id: int) -> Consultant | None:
    """Only the municipality's own consultants are valid: another municipality's id is as
    unknown as a made-up one."""
    if consultant_id is None:
        return None
    consultant = Consultant.objects.filter(pk=consultant_id, municipality_id=municipality_id)
    if not consultant.exists():
        raise DomainError(
            _("Choose a consultant of the youth's municipality."),
            code="consultant_invalid",
            field="contact_consultant",
        )
    return consultant.get()


def _transition(summary: str, description: str):
    return extend_schema(
        summary=summary,
        description=description,
        request=None,
        responses={200: YouthSerializer, **errors(401, 403, 404, 409, 429)},
    )


def invite_answer(issued) -> dict:
    qr = segno.make(issued.deep_link, error="m")
    return {
        "id": issued.invite.pk,
        "youth_id": issued.invite.youth_id,
        "expires_at": issued.invite.expires_at,
        "deep_link": issued.deep_link,
        # A quiet zone of 4 modules, as the QR standard (ISO/IEC 18004) asks.
        "qr_svg": qr.svg_data_uri(scale=4, border=4),
        "qr_png": qr.png_data_uri(scale=6, border=4),
    }


@extend_schema_view(
    list=extend_schema(
        summary="List youth",
        description="Consultants see the youth of their municipality, admins all. Company "
        "members never see this list (they see interested youth through interests).",
        responses={200: YouthSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="One youth's record",
        description="Every read of a record is written to the audit trail.",
        responses={200: YouthSerializer, **errors(401, 403, 404, 429)},
    ),
    create=extend_schema(
        summary="Register a young person",
        description="Status `invited`; create an invite to link their Telegram account. Aged "
        "15–29; names with long numbers (CPR-like) are refused. Where the municipality "
        "randomises its intake, name the `referral` drawn to NExTWORK (409 "
        "`referral_required` without one, `usual_service` for a usual-service referral; 404 "
        "for a referral the caller may not see).",
        request=YouthCreateSerializer,
        responses={201: YouthSerializer, **errors(400, 401, 403, 404, 409, 429)},
    ),
    partial_update=extend_schema(
        summary="Correct a youth's record",
        description="Only the fields sent change.",
        request=YouthChangeSerializer,
        responses={200: YouthSerializer, **errors(400, 401, 403, 404, 409, 429)},
    ),
)
class YouthViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsStaff]
    serializer_class = YouthSerializer
    filterset_class = YouthFilter
    search_fields = ["first_name", "last_name"]
    ordering_fields = ["first_name", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return youth_visible_to_user(user=self.request.user)

    def get_object(self):
        return youth_get_for_user(user=self.request.user, youth_id=self.kwargs["pk"])

    def create(self, request):
        data = YouthCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        municipality_id = fields.pop("municipality", None) or policy.consultant_municipality_id(
            request.user
        )
        if municipality_id is None:
            raise DomainError(_("Choose a municipality."), code="required", field="municipality")
        municipality = municipality_from(municipality_id)
        # Before the consultant lookup below, so nobody can probe another municipality's ids.
        policy.require_municipality(request.user, municipality.pk)
        if "contact_consultant" in fields:
            fields["contact_consultant"] = _consultant_of(
                fields["contact_consultant"], municipality.pk
            )
        if "referral" in fields:
            fields["referral"] = resolved(
                referral_get_for_user,
                field="referral",
                user=request.user,
                referral_id=fields["referral"],
            )
        youth = youth_create(municipality=municipality, actor=request.user, **fields)
        return Response(YouthSerializer(youth).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        data = YouthChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        youth = self.get_object()
        fields = dict(data.validated_data)
        if "contact_consultant" in fields:
            fields["contact_consultant"] = _consultant_of(
                fields["contact_consultant"], youth.municipality_id
            )
        youth = youth_update(youth=youth, actor=request.user, **fields)
        return Response(YouthSerializer(youth).data)

    @_transition("Pause a youth", "active → paused: no reminders or offers for a while.")
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        youth = youth_pause(youth=self.get_object(), actor=request.user)
        return Response(YouthSerializer(youth).data)

    @_transition("Resume a youth", "paused → active.")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        youth = youth_resume(youth=self.get_object(), actor=request.user)
        return Response(YouthSerializer(youth).data)

    @extend_schema(
        summary="A youth leaves the programme",
        description="→ left, recording where they went (`destination`, required) and since "
        "when: the active placement ends early, live interests and unstarted placements are "
        "withdrawn and coming event sign-ups cancelled.",
        request=YouthLeaveSerializer,
        responses={200: YouthSerializer, **errors(400, 401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        youth = self.get_object()
        data = YouthLeaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        youth = youth_leave(youth=youth, actor=request.user, **data.validated_data)
        return Response(YouthSerializer(youth).data)

    @extend_schema(
        summary="Create an invite",
        description="A single-use link that connects the youth's Telegram account, valid for 14 "
        "days; any earlier unused invite stops working. The token is stored only as a hash, so "
        "the link and its QR code (SVG and PNG `data:` URIs) are in this answer only.",
        request=None,
        responses={201: InviteSerializer, **errors(401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        issued = invite_create(youth=self.get_object(), actor=request.user)
        return Response(InviteSerializer(invite_answer(issued)).data, status=201)


urlpatterns: list = []


def register(router: SimpleRouter) -> None:
    router.register("youth", YouthViewSet, basename="youth")
