"""Network groups, their weekly schedules, meetings and attendance: input shapes (types only;
the services check every rule) and plain output shapes."""

from rest_framework import serializers

from api.serializers.fields import LocalTimeField, enum_field, id_field
from domain.models import Attendance, GroupSchedule, Meeting, Municipality

# --- output ---------------------------------------------------------------------------------------


class FacilitatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="user.get_full_name")


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    municipality = serializers.IntegerField(source="municipality_id")
    name = serializers.CharField()
    is_active = serializers.BooleanField()
    member_count = serializers.IntegerField()
    facilitators = FacilitatorSerializer(many=True, source="facilitators.all")
    created_at = serializers.DateTimeField()


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()


class ScheduleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    weekday = enum_field(GroupSchedule.Weekday.choices, name="Weekday")
    start_time = LocalTimeField(help_text="Local time in the municipality.")
    duration_minutes = serializers.IntegerField()
    place = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)


class MeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    group = serializers.IntegerField(source="group_id")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    status = enum_field(Meeting.Status.choices, name="MeetingStatus")
    moved_from = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField()


class GroupDetailSerializer(GroupSerializer):
    members = MemberSerializer(many=True, source="members.all")
    schedules = ScheduleSerializer(many=True, source="schedules.all")
    upcoming_meetings = MeetingSerializer(many=True)


class GroupMemberResultSerializer(serializers.Serializer):
    group = serializers.IntegerField(source="group.pk")
    youth = serializers.IntegerField(source="youth.pk")
    size = serializers.IntegerField(help_text="Members after the change.")
    warning = serializers.CharField(
        allow_null=True, help_text="Set when the group is outside 6–12 members (not a block)."
    )


class AttendanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    youth = serializers.IntegerField(source="youth_id")
    youth_first_name = serializers.CharField(source="youth.first_name")
    status = enum_field(Attendance.Status.choices, name="AttendanceStatus")
    recorded_at = serializers.DateTimeField()


# --- input ----------------------------------------------------------------------------------------


class GroupCreateSerializer(serializers.Serializer):
    municipality = serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.all(),
        required=False,
        help_text="Required for an admin; a consultant's own municipality by default.",
    )
    name = serializers.CharField(allow_blank=True)
    facilitator_ids = serializers.ListField(
        child=id_field(), required=False, default=list, max_length=50
    )


class GroupUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, required=False)
    facilitator_ids = serializers.ListField(child=id_field(), required=False, max_length=50)


class YouthRefSerializer(serializers.Serializer):
    youth = id_field()


class ScheduleCreateSerializer(serializers.Serializer):
    weekday = enum_field(GroupSchedule.Weekday.choices, name="Weekday")
    start_time = LocalTimeField(help_text="Local time in the municipality.")
    duration_minutes = serializers.IntegerField(required=False, default=120)
    place = serializers.CharField(allow_blank=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class MeetingMoveSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Default: the same length."
    )
    place = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="Default: the same place."
    )


class AttendanceRecordSerializer(serializers.Serializer):
    youth = id_field()
    status = enum_field(Attendance.Status.choices, name="AttendanceStatus")
