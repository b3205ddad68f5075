"""Interests (+ accept with an intro meeting / decline / withdraw), placements (+ approve /
reject with a reason / start / complete / end early / switch), check-ins (read; the share
flag is the youth's own) and follow-up notes (consultants only)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.routers import SimpleRouter

from api.filters.placements import InterestFilter, PlacementFilter
from api.permissions import IsPortalUser, IsStaff
from api.schema import errors
from api.serializers import placements as s
from api.serializers.fields import ReasonSerializer
from api.views.thin import ThinViewSet, resolved
from domain.models import CheckIn, FollowUpNote, Interest, Placement
from domain.selectors.placements import (
    checkins_for_placement,
    interest_get_for_user,
    interests_visible_to_user,
    notes_for_placement,
    placement_get_for_user,
    placements_visible_to_user,
)
from domain.selectors.slots import slot_get_for_user
from domain.selectors.youth import youth_card_for_company, youth_named_by_user
from domain.services import interests as interests_service
from domain.services import notes as notes_service
from domain.services import placements as placements_service
from domain.services.outcomes import placement_record_outcome

PLACEMENT_ID = OpenApiParameter(
    "placement_pk", int, OpenApiParameter.PATH, description="The placement's id."
)
WRITE_ERRORS = (400, 401, 403, 404, 409, 429)


def _write(summary: str, description: str, request, response, status: int = 200) -> dict:
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={status: response, **errors(*WRITE_ERRORS)},
    )


# --- interests ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List interests",
        description="Interests in the company's own slots (company members), of the "
        "consultant's municipality's youth (consultants), or all (admins); newest first. A "
        "company sees the youth's first name, age and sectors only.",
        responses={200: s.InterestSerializer(many=True), **errors(400, 401, 403, 429)},
    ),
    retrieve=extend_schema(
        summary="One interest",
        description="With the youth's contact for the company once a placement with it is "
        "approved or active.",
        responses={200: s.InterestDetailSerializer, **errors(401, 403, 404, 429)},
    ),
    create=_write(
        "Show interest on a youth's behalf",
        "A consultant shows interest in an open slot for a youth of their municipality (the "
        "company must be in the municipality's network).",
        s.InterestCreateSerializer,
        s.InterestSerializer,
        201,
    ),
    accept=_write(
        "Accept an interest",
        "The company wants to meet: it proposes an intro meeting (time and place); the youth "
        "is told.",
        s.InterestAcceptSerializer,
        s.InterestSerializer,
    ),
    decline=_write(
        "Decline an interest",
        "From pending, or after an intro meeting that went nowhere; the youth is told.",
        ReasonSerializer,
        s.InterestSerializer,
    ),
    withdraw=_write(
        "Withdraw an interest",
        "On the youth's behalf, any time before a placement from it starts; a proposed or "
        "approved placement from it is withdrawn too, freeing its seat.",
        None,
        s.InterestSerializer,
    ),
    move_intro=_write(
        "Move the intro meeting",
        "A new time (and place) for an accepted interest's intro meeting; the youth is told.",
        s.InterestMoveIntroSerializer,
        s.InterestSerializer,
    ),
)
class InterestViewSet(mixins.ListModelMixin, ThinViewSet):
    serializer_class = s.InterestSerializer
    filterset_class = InterestFilter
    search_fields = ("slot__title",)
    ordering_fields = ("created_at", "decided_at")

    def get_permissions(self):
        # Showing and withdrawing interest is the youth's (or their consultant's) act.
        on_behalf_of_youth = self.action in ("create", "withdraw")
        return [IsStaff()] if on_behalf_of_youth else [IsPortalUser()]

    def get_queryset(self):
        return interests_visible_to_user(user=self.request.user).prefetch_related("youth__sectors")

    def get_object(self) -> Interest:
        return interest_get_for_user(user=self.request.user, interest_id=self.kwargs["pk"])

    def fresh(self, interest: Interest) -> Interest:
        return self.get_queryset().get(pk=interest.pk)

    def retrieve(self, request, pk=None):
        interest = self.fresh(self.get_object())
        interest.contact = youth_card_for_company(user=request.user, interest=interest).get(
            "contact"
        )
        return self.answer(interest, s.InterestDetailSerializer)

    def create(self, request):
        data = self.parsed(s.InterestCreateSerializer)
        youth = resolved(
            youth_named_by_user, field="youth", user=request.user, youth_id=data["youth"]
        )
        slot = resolved(slot_get_for_user, field="slot", user=request.user, slot_id=data["slot"])
        interest = interests_service.interest_show(
            youth=youth, slot=slot, actor=request.user, message=data["message"]
        )
        return self.created(self.fresh(interest))

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        interest, data = self.get_object(), self.parsed(s.InterestAcceptSerializer)
        interests_service.interest_accept(interest=interest, actor=request.user, **data)
        return self.answer(self.fresh(interest))

    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        interest, data = self.get_object(), self.parsed(ReasonSerializer)
        interests_service.interest_decline(interest=interest, actor=request.user, **data)
        return self.answer(self.fresh(interest))

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        interest = self.get_object()
        interests_service.interest_withdraw(interest=interest, actor=request.user)
        return self.answer(self.fresh(interest))

    @action(detail=True, methods=["post"], url_path="move-intro")
    def move_intro(self, request, pk=None):
        interest, data = self.get_object(), self.parsed(s.InterestMoveIntroSerializer)
        interests_service.interest_move_intro(interest=interest, actor=request.user, **data)
        return self.answer(self.fresh(interest))


# --- placements -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List placements",
        description="Placements in the company's own slots (company members), of the "
        "consultant's municipality's youth (consultants), or all (admins); newest first.",
        responses={200: s.PlacementSerializer(many=True), **errors(400, 401, 403, 429)},
    ),
    retrieve=extend_schema(
        summary="One placement",
        description="A placement the caller may see.",
        responses={200: s.PlacementSerializer, **errors(401, 403, 404, 429)},
    ),
    create=_write(
        "Propose a placement",
        "On the youth's behalf after the company accepted their interest: hours within the "
        "slot's range, a start from today and the slot's earliest start.",
        s.PlacementCreateSerializer,
        s.PlacementSerializer,
        201,
    ),
    approve=_write(
        "Approve a placement",
        "A consultant of the youth's municipality approves a proposed placement; the seats are "
        "re-checked in the same transaction.",
        None,
        s.PlacementSerializer,
    ),
    reject=_write(
        "Reject a placement",
        "A proposed placement, with a reason (required) the youth is told.",
        ReasonSerializer,
        s.PlacementSerializer,
    ),
    start=_write(
        "Start a placement",
        "approved → active once its start date has come (the daily run does this too).",
        None,
        s.PlacementSerializer,
    ),
    complete=_write("Complete a placement", "active → completed.", None, s.PlacementSerializer),
    end_early=_write(
        "End a placement early",
        "active → ended early, with a reason (required).",
        ReasonSerializer,
        s.PlacementSerializer,
    ),
    outcome=_write(
        "Record what a placement led to",
        "For a completed or early-ended placement: a job offer, paid hours, or neither, at its "
        "company (consultants of the youth's municipality and admins; may be corrected).",
        s.PlacementOutcomeSerializer,
        s.PlacementSerializer,
    ),
    switch=_write(
        "Switch to another company",
        "End the active placement early and propose the next one from an accepted interest; "
        "the history is kept (`previous`). Answers with the new placement.",
        s.PlacementSwitchSerializer,
        s.PlacementSerializer,
        201,
    ),
)
class PlacementViewSet(mixins.ListModelMixin, ThinViewSet):
    serializer_class = s.PlacementSerializer
    filterset_class = PlacementFilter
    search_fields = ("slot__title",)
    ordering_fields = ("created_at", "start_date")

    def get_permissions(self):
        # Companies see their placements; every change is the consultant's (or admin's).
        reading = self.action in ("list", "retrieve")
        return [IsPortalUser()] if reading else [IsStaff()]

    def get_queryset(self):
        return placements_visible_to_user(user=self.request.user).prefetch_related("youth__sectors")

    def get_object(self) -> Placement:
        return placement_get_for_user(user=self.request.user, placement_id=self.kwargs["pk"])

    def fresh(self, placement: Placement) -> Placement:
        return self.get_queryset().get(pk=placement.pk)

    def retrieve(self, request, pk=None):
        return self.answer(self.fresh(self.get_object()))

    def create(self, request):
        data = self.parsed(s.PlacementCreateSerializer)
        interest = resolved(
            interest_get_for_user,
            field="interest",
            user=request.user,
            interest_id=data.pop("interest"),
        )
        placement = placements_service.placement_propose(
            interest=interest, actor=request.user, **data
        )
        return self.created(self.fresh(placement))

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        placement = placements_service.placement_approve(
            placement=self.get_object(), actor=request.user
        )
        return self.answer(self.fresh(placement))

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        placement, data = self.get_object(), self.parsed(ReasonSerializer)
        placements_service.placement_reject(placement=placement, actor=request.user, **data)
        return self.answer(self.fresh(placement))

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        placement = self.get_object()
        placements_service.placement_start(placement=placement, actor=request.user)
        return self.answer(self.fresh(placement))

    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        placement = self.get_object()
        placements_service.placement_complete(placement=placement, actor=request.user)
        return self.answer(self.fresh(placement))

    @action(detail=True, methods=["post"], url_path="end-early")
    def end_early(self, request, pk=None):
        placement, data = self.get_object(), self.parsed(ReasonSerializer)
        placements_service.placement_end_early(placement=placement, actor=request.user, **data)
        return self.answer(self.fresh(placement))

    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        placement, data = self.get_object(), self.parsed(s.PlacementOutcomeSerializer)
        placement_record_outcome(placement=placement, actor=request.user, **data)
        return self.answer(self.fresh(placement))

    @action(detail=True, methods=["post"])
    def switch(self, request, pk=None):
        placement, data = self.get_object(), self.parsed(s.PlacementSwitchSerializer)
        to_interest = resolved(
            interest_get_for_user,
            field="to_interest",
            user=request.user,
            interest_id=data.pop("to_interest"),
        )
        following = placements_service.placement_switch(
            placement=placement, to_interest=to_interest, actor=request.user, **data
        )
        return self.created(self.fresh(following))


# --- check-ins and follow-up notes ---------------------------------------------------------------


class _PlacementChildViewSet(mixins.ListModelMixin, ThinViewSet):
    """Rows under /placements/{placement_pk}/…: the placement comes from the scoped selector
    first, so a foreign placement is a 404 before anything else is looked at."""

    permission_classes = (IsStaff,)
    filter_backends = ()

    def placement(self) -> Placement:
        if not hasattr(self, "_placement"):
            self._placement = placement_get_for_user(
                user=self.request.user, placement_id=self.kwargs["placement_pk"]
            )
        return self._placement


@extend_schema(parameters=[PLACEMENT_ID])
@extend_schema_view(
    list=extend_schema(
        summary="A placement's check-ins",
        description="The youth's weekly answers (score and sentence), newest first, for the "
        "youth's consultants and admins. `shared` is the youth's own choice.",
        responses={200: s.CheckInSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    ),
)
class CheckInViewSet(_PlacementChildViewSet):
    serializer_class = s.CheckInSerializer

    def get_queryset(self):
        if self.is_schema_run():
            return CheckIn.objects.none()
        return checkins_for_placement(user=self.request.user, placement=self.placement())


@extend_schema(parameters=[PLACEMENT_ID])
@extend_schema_view(
    list=extend_schema(
        summary="A placement's follow-up notes",
        description="The consultants' private notes, newest first. Never shown to companies "
        "or youth.",
        responses={200: s.NoteSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    ),
    create=_write(
        "Write a follow-up note",
        "A consultant of the youth's municipality (or an admin) notes a meeting or an "
        "agreement, in any state of the placement.",
        s.NoteCreateSerializer,
        s.NoteSerializer,
        201,
    ),
)
class NoteViewSet(_PlacementChildViewSet):
    serializer_class = s.NoteSerializer

    def get_queryset(self):
        if self.is_schema_run():
            return FollowUpNote.objects.none()
        return notes_for_placement(user=self.request.user, placement=self.placement())

    def create(self, request, placement_pk=None):
        placement, data = self.placement(), self.parsed(s.NoteCreateSerializer)
        note = notes_service.note_create(placement=placement, actor=request.user, **data)
        return self.created(note)


urlpatterns: list = []


def register(router: SimpleRouter) -> None:
    """Add this area's viewsets to the API router."""
    router.register("interests", InterestViewSet, basename="interest")
    router.register("placements", PlacementViewSet, basename="placement")
    router.register(
        r"placements/(?P<placement_pk>[0-9]+)/checkins", CheckInViewSet, basename="checkin"
    )
    router.register(r"placements/(?P<placement_pk>[0-9]+)/notes", NoteViewSet, basename="note")
