"""Slots companies post, and their life cycle: draft → open ⇄ paused → closed."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from api.filters.slots import SlotFilter
from api.permissions import IsPortalUser
from api.schema import errors
from api.serializers.slots import SlotChangeSerializer, SlotCreateSerializer, SlotSerializer
from domain.selectors.network import company_get_for_user
from domain.selectors.slots import slot_get_for_user, slots_visible_to_user
from domain.services.slots import (
    slot_close,
    slot_create,
    slot_pause,
    slot_publish,
    slot_resume,
    slot_update,
)


def _transition(summary: str, description: str):
    return extend_schema(
        summary=summary,
        description=description,
        request=None,
        responses={200: SlotSerializer, **errors(401, 403, 404, 409, 429)},
    )


@extend_schema_view(
    list=extend_schema(
        summary="List slots",
        description="A company member sees the own company's slots (every status); a "
        "consultant the slots of the companies in their municipality's network; an admin all. "
        "The youth-facing list is `?municipality=<id>&status=open`.",
        responses={200: SlotSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="One slot",
        description="A slot the caller may see (else 404).",
        responses={200: SlotSerializer, **errors(401, 403, 404, 429)},
    ),
    create=extend_schema(
        summary="Create a slot",
        description="A new slot in `draft` for a company the caller may act for (its members, "
        "consultants of its networks, admins); publish it to show it to youth.",
        request=SlotCreateSerializer,
        responses={201: SlotSerializer, **errors(400, 401, 403, 404, 429)},
    ),
    partial_update=extend_schema(
        summary="Change a slot",
        description="Only the fields sent change. Draft, open and paused slots only; seats "
        "never drop below the approved and active placements.",
        request=SlotChangeSerializer,
        responses={200: SlotSerializer, **errors(400, 401, 403, 404, 409, 429)},
    ),
)
class SlotViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsPortalUser]
    serializer_class = SlotSerializer
    filterset_class = SlotFilter
    search_fields = ["title", "description", "company__name"]
    ordering_fields = ["published_at", "earliest_start", "hours_min", "title"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return slots_visible_to_user(user=self.request.user)

    def get_object(self):
        return slot_get_for_user(user=self.request.user, slot_id=self.kwargs["pk"])

    def create(self, request):
        data = SlotCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        company = company_get_for_user(user=request.user, company_id=fields.pop("company"))
        slot = slot_create(company=company, actor=request.user, **fields)
        return Response(SlotSerializer(slot).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        data = SlotChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        slot = slot_update(slot=self.get_object(), actor=request.user, **data.validated_data)
        return Response(SlotSerializer(slot).data)

    @_transition("Publish a slot", "draft → open: youth of the company's networks see it.")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        slot = slot_publish(slot=self.get_object(), actor=request.user)
        return Response(SlotSerializer(slot).data)

    @_transition("Pause a slot", "open → paused: hidden from youth; interests carry on.")
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        slot = slot_pause(slot=self.get_object(), actor=request.user)
        return Response(SlotSerializer(slot).data)

    @_transition("Resume a slot", "paused → open.")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        slot = slot_resume(slot=self.get_object(), actor=request.user)
        return Response(SlotSerializer(slot).data)

    @_transition(
        "Close a slot",
        "draft/open/paused → closed, for good. Pending interests are declined and the youth "
        "told; accepted interests and placements carry on.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        slot = slot_close(slot=self.get_object(), actor=request.user)
        return Response(SlotSerializer(slot).data)


urlpatterns: list = []


def register(router: SimpleRouter) -> None:
    router.register("slots", SlotViewSet, basename="slot")
