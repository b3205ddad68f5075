"""Randomised intake: referrals (list, one, register) and draws (list, one, draw now).
Consultants of a municipality that randomises and admins; arms are never written here."""

from types import SimpleNamespace

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.routers import SimpleRouter

from api.permissions import IsStaff
from api.schema import errors
from api.serializers import intake as s
from api.views.thin import ThinViewSet, own_municipality
from domain.models import Draw, Referral
from domain.selectors.intake import (
    draw_get_for_user,
    draw_reproduce,
    draw_stored_arms,
    draw_strata,
    draws_visible_to_user,
    referral_get_for_user,
    referrals_visible_to_user,
)
from domain.services import intake as intake_service


@extend_schema_view(
    list=extend_schema(
        summary="List referrals",
        description="The referrals of the consultant's municipality (all for an admin), newest "
        "referral date first.",
        responses={200: s.ReferralSerializer(many=True), **errors(400, 401, 403, 429)},
    ),
    retrieve=extend_schema(
        summary="One referral",
        description="A referral of a municipality the caller may see.",
        responses={200: s.ReferralSerializer, **errors(401, 403, 404, 429)},
    ),
    create=extend_schema(
        summary="Register a referral",
        description="A referred young person with the minimum: the municipality's case "
        "reference (unique in it; letters, digits and . _ / -, never a name), the birth year "
        "(aged 15–29 in the year of the referral) and the referral date (not in the future). "
        "Only while the municipality randomises its intake (else 409 `intake_off`).",
        request=s.ReferralCreateSerializer,
        responses={201: s.ReferralSerializer, **errors(400, 401, 403, 404, 409, 429)},
    ),
)
class ReferralViewSet(mixins.ListModelMixin, ThinViewSet):
    serializer_class = s.ReferralSerializer
    permission_classes = (IsStaff,)

    def get_queryset(self):
        return referrals_visible_to_user(user=self.request.user)

    def get_object(self) -> Referral:
        return referral_get_for_user(user=self.request.user, referral_id=self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        return self.answer(self.get_object())

    def create(self, request):
        data = self.parsed(s.ReferralCreateSerializer)
        municipality = data.pop("municipality", None) or own_municipality(request.user)
        referral = intake_service.referral_register(
            municipality=municipality, actor=request.user, **data
        )
        return self.created(referral)


@extend_schema_view(
    list=extend_schema(
        summary="List draws",
        description="The draws of the consultant's municipality (all for an admin), newest first.",
        responses={200: s.DrawSerializer(many=True), **errors(400, 401, 403, 429)},
    ),
    retrieve=extend_schema(
        summary="One draw",
        description="A draw with its seed, ratio, the referrals per age band and arm, and "
        "whether recomputing it from the seed gives the stored arms.",
        responses={200: s.DrawDetailSerializer, **errors(401, 403, 404, 429)},
    ),
    create=extend_schema(
        summary="Draw now",
        description="Draw every referral of the municipality waiting for a draw, at once, into "
        "NExTWORK and usual service at the municipality's ratio, stratified by age band. Final "
        "and audited. 409 `nothing_to_draw` when none waits, `intake_off` when the "
        "municipality does not randomise.",
        request=s.DrawCreateSerializer,
        responses={201: s.DrawDetailSerializer, **errors(400, 401, 403, 404, 409, 429, 503)},
    ),
)
class DrawViewSet(mixins.ListModelMixin, ThinViewSet):
    serializer_class = s.DrawSerializer
    permission_classes = (IsStaff,)

    def get_queryset(self):
        return draws_visible_to_user(user=self.request.user)

    def get_object(self) -> Draw:
        return draw_get_for_user(user=self.request.user, draw_id=self.kwargs["pk"])

    def with_strata(self, draw: Draw) -> SimpleNamespace:
        return SimpleNamespace(
            **{field.attname: getattr(draw, field.attname) for field in draw._meta.concrete_fields},
            strata=draw_strata(draw),
            reproduced=draw_reproduce(draw) == draw_stored_arms(draw),
        )

    def retrieve(self, request, pk=None):
        return self.answer(self.with_strata(self.get_object()), s.DrawDetailSerializer)

    def create(self, request):
        data = self.parsed(s.DrawCreateSerializer)
        municipality = data.get("municipality") or own_municipality(request.user)
        draw = intake_service.draw_run(municipality=municipality, actor=request.user)
        return self.created(self.with_strata(draw), s.DrawDetailSerializer)


urlpatterns: list = []


def register(router: SimpleRouter) -> None:
    """Add this area's viewsets to the API router."""
    router.register("referrals", ReferralViewSet, basename="referral")
    router.register("draws", DrawViewSet, basename="draw")
