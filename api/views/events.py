"""Match events (+ publish / cancel / complete), company sign-ups, youth sign-ups with their
waitlist position, and check-in at the door."""

from bisect import bisect_right

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.routers import SimpleRouter

from api.filters.events import EventFilter
from api.permissions import IsPortalUser, IsStaff
from api.schema import errors
from api.serializers import events as s
from api.serializers.fields import ReasonSerializer
from api.views.thin import ThinViewSet, own_municipality, resolved
from domain.exceptions import DomainError
from domain.models import CompanySignup, MatchEvent, YouthSignup
from domain.policy import member_company_id, not_found
from domain.selectors.events import (
    company_signups_for_event,
    event_get_for_user,
    events_visible_to_user,
    youth_signups_for_event,
)
from domain.selectors.network import company_get_for_user
from domain.selectors.youth import youth_named_by_user
from domain.services import events as events_service
from domain.services import signups as signups_service

EVENT_ID = OpenApiParameter("event_pk", int, OpenApiParameter.PATH, description="The event's id.")


def _transition(summary: str, description: str, request=None) -> dict:
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: s.EventSerializer, **errors(400, 401, 403, 404, 409, 429)},
    )


@extend_schema_view(
    list=extend_schema(
        summary="List match events",
        description="Consultants see their municipality's events in every state, company "
        "members the published events of the networks their company belongs to, admins all.",
        responses={200: s.EventSerializer(many=True), **errors(400, 401, 403, 429)},
    ),
    retrieve=extend_schema(
        summary="One match event",
        description="The event with the companies signed up for it and the slots they bring.",
        responses={200: s.EventDetailSerializer, **errors(401, 403, 404, 429)},
    ),
    create=extend_schema(
        summary="Create a match event",
        description="A draft event in the consultant's municipality (an admin names the "
        "municipality).",
        request=s.EventCreateSerializer,
        responses={201: s.EventSerializer, **errors(400, 401, 403, 429)},
    ),
    partial_update=extend_schema(
        summary="Change a match event",
        description="Change a draft or published event before it starts. Raising the youth "
        "capacity promotes waitlisted youth in order; lowering it below the seats taken is "
        "refused.",
        request=s.EventUpdateSerializer,
        responses={200: s.EventSerializer, **errors(400, 401, 403, 404, 409, 429)},
    ),
    publish=_transition("Publish a match event", "draft → published: open for sign-ups."),
    cancel=_transition(
        "Cancel a match event",
        "Everyone signed up is told, with the reason when one is given.",
        ReasonSerializer,
    ),
    complete=_transition(
        "Complete a match event", "published → completed, once the event has started."
    ),
)
class EventViewSet(mixins.ListModelMixin, ThinViewSet):
    serializer_class = s.EventSerializer
    filterset_class = EventFilter
    search_fields = ("title", "place", "description")
    ordering_fields = ("starts_at", "title", "created_at")

    def get_permissions(self):
        staff_only = self.action not in ("list", "retrieve")
        return [IsStaff()] if staff_only else [IsPortalUser()]

    def get_queryset(self):
        return events_visible_to_user(user=self.request.user)

    def get_object(self) -> MatchEvent:
        return event_get_for_user(user=self.request.user, event_id=self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        return self.answer(self.get_object(), s.EventDetailSerializer)

    def create(self, request):
        data = self.parsed(s.EventCreateSerializer)
        municipality = data.pop("municipality", None) or own_municipality(request.user)
        event = events_service.event_create(municipality=municipality, actor=request.user, **data)
        return self.created(event)

    def partial_update(self, request, pk=None):
        data = self.parsed(s.EventUpdateSerializer)
        event = events_service.event_update(event=self.get_object(), actor=request.user, **data)
        return self.answer(event)

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self.answer(
            events_service.event_publish(event=self.get_object(), actor=request.user)
        )

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = self.parsed(ReasonSerializer)
        return self.answer(
            events_service.event_cancel(event=self.get_object(), actor=request.user, **data)
        )

    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self.answer(
            events_service.event_complete(event=self.get_object(), actor=request.user)
        )


class _EventChildViewSet(ThinViewSet):
    """Rows under /events/{event_pk}/…: the event comes from the scoped selector first, so a
    foreign event is a 404 before anything else is looked at."""

    def event(self) -> MatchEvent:
        if not hasattr(self, "_event"):
            self._event = event_get_for_user(
                user=self.request.user, event_id=self.kwargs["event_pk"], with_companies=False
            )
        return self._event


@extend_schema(parameters=[EVENT_ID])
@extend_schema_view(
    list=extend_schema(
        summary="Companies signed up for an event",
        description="The confirmed company sign-ups with the slots each company brings.",
        responses={200: s.CompanySignupSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    ),
    create=extend_schema(
        summary="Sign a company up for an event",
        description="A company member signs up their own company; a consultant of the event's "
        "municipality may sign up a company of its network on its behalf. A cancelled sign-up "
        "is re-activated.",
        request=s.CompanySignupCreateSerializer,
        responses={201: s.CompanySignupSerializer, **errors(400, 401, 403, 404, 409, 429)},
    ),
    cancel=extend_schema(
        summary="Cancel a company's sign-up",
        description="Before the event starts; the company's seat becomes free.",
        request=None,
        responses={200: s.CompanySignupSerializer, **errors(401, 403, 404, 409, 429)},
    ),
)
class CompanySignupViewSet(mixins.ListModelMixin, _EventChildViewSet):
    serializer_class = s.CompanySignupSerializer
    permission_classes = (IsPortalUser,)
    filter_backends = ()

    def get_queryset(self):
        if self.is_schema_run():
            return CompanySignup.objects.none()
        return company_signups_for_event(event=self.event())

    def get_object(self):
        # Every sign-up of the event, cancelled ones too: cancelling twice is a 409, not a 404.
        signup = (
            self.event()
            .company_signups.select_related("event", "company")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if signup is None:
            raise not_found()
        return signup

    def create(self, request, event_pk=None):
        data = self.parsed(s.CompanySignupCreateSerializer)
        company = self._company(data.pop("company", None))
        signup = signups_service.company_signup(
            event=self.event(), company=company, actor=request.user, **data
        )
        return self.created(company_signups_for_event(event=signup.event).get(pk=signup.pk))

    def _company(self, company_id: int | None):
        if company_id is None:
            company_id = member_company_id(self.request.user)
        if company_id is None:
            raise DomainError(_("Choose a company."), code="required", field="company")
        return resolved(
            company_get_for_user, field="company", user=self.request.user, company_id=company_id
        )

    @action(detail=True, methods=["post"])
    def cancel(self, request, event_pk=None, pk=None):
        signup = signups_service.company_signup_cancel(signup=self.get_object(), actor=request.user)
        return self.answer(signup)


@extend_schema(parameters=[EVENT_ID])
@extend_schema_view(
    list=extend_schema(
        summary="Youth signed up for an event",
        description="Every youth sign-up in arrival order (the waitlist order), with each "
        "waitlisted youth's place in line. Consultants of the event's municipality and admins.",
        responses={200: s.YouthSignupSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    ),
    create=extend_schema(
        summary="Sign a youth up for an event",
        description="On behalf of a youth of the consultant's municipality: `confirmed` while "
        "seats remain, else `waitlisted` with a place in line.",
        request=s.YouthSignupCreateSerializer,
        responses={201: s.YouthSignupSerializer, **errors(400, 401, 403, 404, 409, 429)},
    ),
    cancel=extend_schema(
        summary="Cancel a youth's sign-up",
        description="Until the event starts. A freed seat goes to the first waitlisted youth, "
        "who is told.",
        request=None,
        responses={200: s.YouthSignupSerializer, **errors(401, 403, 404, 409, 429)},
    ),
    check_in=extend_schema(
        summary="Check a youth in at the door",
        description="A confirmed sign-up, from two hours before the start. A waitlisted youth "
        "is refused (`not_confirmed`): raise the capacity first.",
        request=None,
        responses={200: s.YouthSignupSerializer, **errors(401, 403, 404, 409, 429)},
    ),
)
class YouthSignupViewSet(mixins.ListModelMixin, _EventChildViewSet):
    serializer_class = s.YouthSignupSerializer
    permission_classes = (IsStaff,)
    filter_backends = ()

    def get_queryset(self):
        if self.is_schema_run():
            return YouthSignup.objects.none()
        return youth_signups_for_event(event=self.event())

    def get_object(self) -> YouthSignup:
        signup = self.get_queryset().select_related("event").filter(pk=self.kwargs["pk"]).first()
        if signup is None:
            raise not_found()
        return signup

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # One query for the whole page's waitlist positions instead of one per row.
        waitlisted = list(
            youth_signups_for_event(event=self.event())
            .filter(status=YouthSignup.Status.WAITLISTED)
            .values_list("sequence", flat=True)
        )
        for signup in page:
            signup.waitlist_position = (
                bisect_right(waitlisted, signup.sequence)
                if signup.status == YouthSignup.Status.WAITLISTED
                else None
            )
        return page

    def answer(self, signup, serializer_class=None, *, status=200):
        if not hasattr(signup, "waitlist_position"):  # a new sign-up knows its place
            signup.waitlist_position = signups_service.waitlist_position(signup=signup)
        return super().answer(signup, serializer_class, status=status)

    def create(self, request, event_pk=None):
        data = self.parsed(s.YouthSignupCreateSerializer)
        youth = resolved(
            youth_named_by_user, field="youth", user=request.user, youth_id=data["youth"]
        )
        signup = signups_service.youth_signup(event=self.event(), youth=youth, actor=request.user)
        return self.created(signup)

    @action(detail=True, methods=["post"])
    def cancel(self, request, event_pk=None, pk=None):
        return self.answer(
            signups_service.youth_signup_cancel(signup=self.get_object(), actor=request.user)
        )

    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, event_pk=None, pk=None):
        return self.answer(
            signups_service.signup_check_in(signup=self.get_object(), actor=request.user)
        )


urlpatterns: list = []


def register(router: SimpleRouter) -> None:
    """Add this area's viewsets to the API router."""
    router.register("events", EventViewSet, basename="event")
    router.register(
        r"events/(?P<event_pk>[0-9]+)/company-signups",
        CompanySignupViewSet,
        basename="event-company-signup",
    )
    router.register(
        r"events/(?P<event_pk>[0-9]+)/youth-signups",
        YouthSignupViewSet,
        basename="event-youth-signup",
    )
