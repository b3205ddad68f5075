"""Network groups (members, weekly schedules, deactivation), their meetings (+ move / cancel)
and attendance. Consultants of the group's municipality and admins only."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.routers import SimpleRouter

from api.filters.groups import GroupFilter, MeetingFilter
from api.permissions import IsStaff
from api.schema import errors
from api.serializers import groups as s
from api.serializers.fields import ReasonSerializer
from api.views.thin import ThinViewSet, own_municipality, resolved
from domain.models import Attendance, Meeting, NetworkGroup
from domain.selectors.groups import (
    group_get_for_user,
    groups_visible_to_user,
    meeting_get_for_user,
    meetings_visible_to_user,
)
from domain.selectors.youth import youth_named_by_user
from domain.services import groups as groups_service
from domain.services import meetings as meetings_service

MEETING_ID = OpenApiParameter(
    "meeting_pk", int, OpenApiParameter.PATH, description="The meeting's id."
)


def _write(summary: str, description: str, request, response, status: int = 200) -> dict:
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={status: response, **errors(400, 401, 403, 404, 409, 429)},
    )


@extend_schema_view(
    list=extend_schema(
        summary="List network groups",
        description="The groups of the consultant's municipality (all for an admin), each with "
        "its member count and facilitators.",
        responses={200: s.GroupSerializer(many=True), **errors(400, 401, 403, 429)},
    ),
    retrieve=extend_schema(
        summary="One network group",
        description="The group with its members, weekly schedules and upcoming meetings.",
        responses={200: s.GroupDetailSerializer, **errors(401, 403, 404, 429)},
    ),
    create=_write(
        "Create a network group",
        "A group in the consultant's municipality (an admin names the municipality); "
        "facilitators are consultants of the same municipality.",
        s.GroupCreateSerializer,
        s.GroupSerializer,
        201,
    ),
    partial_update=_write(
        "Change a network group",
        "Rename the group or replace its facilitators; what is left out stays as it is.",
        s.GroupUpdateSerializer,
        s.GroupSerializer,
    ),
    add_member=_write(
        "Add a member",
        "Put a youth of the group's municipality in the group (moving them out of any other). "
        "Outside 6–12 members the answer carries a warning; the change still happens.",
        s.YouthRefSerializer,
        s.GroupMemberResultSerializer,
    ),
    remove_member=_write(
        "Remove a member",
        "Take a youth out of the group; reminders of its meetings stop for them.",
        s.YouthRefSerializer,
        s.GroupSerializer,
    ),
    add_schedule=_write(
        "Add a weekly schedule",
        "A weekday, local time and place; meetings are generated from it (DST-correct).",
        s.ScheduleCreateSerializer,
        s.ScheduleSerializer,
        201,
    ),
    deactivate=_write(
        "Deactivate a network group",
        "Its coming meetings are cancelled and the members told once; history stays.",
        None,
        s.GroupSerializer,
    ),
)
class GroupViewSet(mixins.ListModelMixin, ThinViewSet):
    serializer_class = s.GroupSerializer
    permission_classes = (IsStaff,)
    filterset_class = GroupFilter
    search_fields = ("name",)
    ordering_fields = ("name", "created_at")

    def get_queryset(self):
        return groups_visible_to_user(user=self.request.user)

    def get_object(self) -> NetworkGroup:
        return group_get_for_user(user=self.request.user, group_id=self.kwargs["pk"])

    def fresh(self, group: NetworkGroup) -> NetworkGroup:
        """The group as the list shows it (member count, facilitators) after a change."""
        return self.get_queryset().get(pk=group.pk)

    def retrieve(self, request, pk=None):
        return self.answer(self.get_object(), s.GroupDetailSerializer)

    def create(self, request):
        data = self.parsed(s.GroupCreateSerializer)
        municipality = data.pop("municipality", None) or own_municipality(request.user)
        group = groups_service.group_create(municipality=municipality, actor=request.user, **data)
        return self.created(self.fresh(group))

    def partial_update(self, request, pk=None):
        data = self.parsed(s.GroupUpdateSerializer)
        group = groups_service.group_update(group=self.get_object(), actor=request.user, **data)
        return self.answer(self.fresh(group))

    def _youth(self, youth_id: int):
        return resolved(
            youth_named_by_user, field="youth", user=self.request.user, youth_id=youth_id
        )

    @action(detail=True, methods=["post"], url_path="add-member")
    def add_member(self, request, pk=None):
        group, youth_id = self.get_object(), self.parsed(s.YouthRefSerializer)["youth"]
        result = groups_service.group_member_add(
            group=group, youth=self._youth(youth_id), actor=request.user
        )
        return self.answer(result, s.GroupMemberResultSerializer)

    @action(detail=True, methods=["post"], url_path="remove-member")
    def remove_member(self, request, pk=None):
        group, youth_id = self.get_object(), self.parsed(s.YouthRefSerializer)["youth"]
        groups_service.group_member_remove(
            group=group, youth=self._youth(youth_id), actor=request.user
        )
        return self.answer(self.fresh(group))

    @action(detail=True, methods=["post"], url_path="schedules")
    def add_schedule(self, request, pk=None):
        group, data = self.get_object(), self.parsed(s.ScheduleCreateSerializer)
        schedule = groups_service.schedule_add(group=group, actor=request.user, **data)
        return self.created(schedule, s.ScheduleSerializer)

    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        group = groups_service.group_deactivate(group=self.get_object(), actor=request.user)
        return self.answer(self.fresh(group))


@extend_schema_view(
    list=extend_schema(
        summary="List meetings",
        description="Meetings of the groups the caller may see, soonest first; filter by "
        "group, status and time.",
        responses={200: s.MeetingSerializer(many=True), **errors(400, 401, 403, 429)},
    ),
    retrieve=extend_schema(
        summary="One meeting",
        description="A meeting of a group the caller may see.",
        responses={200: s.MeetingSerializer, **errors(401, 403, 404, 429)},
    ),
    move=_write(
        "Move a meeting",
        "Move an upcoming meeting: its reminders are re-timed and every member is told. The "
        "original time is kept in `moved_from`.",
        s.MeetingMoveSerializer,
        s.MeetingSerializer,
    ),
    cancel=_write(
        "Cancel a meeting",
        "Cancel an upcoming meeting: its reminders are cancelled and every member is told.",
        ReasonSerializer,
        s.MeetingSerializer,
    ),
)
class MeetingViewSet(mixins.ListModelMixin, ThinViewSet):
    serializer_class = s.MeetingSerializer
    permission_classes = (IsStaff,)
    filterset_class = MeetingFilter
    ordering_fields = ("starts_at",)
    ordering = ("starts_at", "pk")

    def get_queryset(self):
        return meetings_visible_to_user(user=self.request.user).order_by("starts_at", "pk")

    def get_object(self) -> Meeting:
        return meeting_get_for_user(user=self.request.user, meeting_id=self.kwargs["pk"])

    def retrieve(self, request, pk=None):
        return self.answer(self.get_object())

    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        meeting, data = self.get_object(), self.parsed(s.MeetingMoveSerializer)
        return self.answer(
            meetings_service.meeting_move(meeting=meeting, actor=request.user, **data)
        )

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting, data = self.get_object(), self.parsed(ReasonSerializer)
        return self.answer(
            meetings_service.meeting_cancel(meeting=meeting, actor=request.user, **data)
        )


@extend_schema(parameters=[MEETING_ID])
@extend_schema_view(
    list=extend_schema(
        summary="Attendance at a meeting",
        description="What has been recorded for each youth (present / excused / absent).",
        responses={200: s.AttendanceSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    ),
    create=_write(
        "Record attendance",
        "Present or absent once the meeting has started, excused at any time; recording again "
        "overwrites.",
        s.AttendanceRecordSerializer,
        s.AttendanceSerializer,
        201,
    ),
)
class AttendanceViewSet(mixins.ListModelMixin, ThinViewSet):
    serializer_class = s.AttendanceSerializer
    permission_classes = (IsStaff,)
    filter_backends = ()

    def meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            self._meeting = meeting_get_for_user(
                user=self.request.user, meeting_id=self.kwargs["meeting_pk"]
            )
        return self._meeting

    def get_queryset(self):
        if self.is_schema_run():
            return Attendance.objects.none()
        return self.meeting().attendance.select_related("youth").order_by("youth__first_name", "pk")

    def create(self, request, meeting_pk=None):
        meeting, data = self.meeting(), self.parsed(s.AttendanceRecordSerializer)
        youth = resolved(
            youth_named_by_user, field="youth", user=request.user, youth_id=data["youth"]
        )
        row = meetings_service.attendance_record(
            meeting=meeting, youth=youth, status=data["status"], actor=request.user
        )
        return self.created(row)


urlpatterns: list = []


def register(router: SimpleRouter) -> None:
    """Add this area's viewsets to the API router."""
    router.register("groups", GroupViewSet, basename="group")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register(
        r"meetings/(?P<meeting_pk>[0-9]+)/attendance", AttendanceViewSet, basename="attendance"
    )
