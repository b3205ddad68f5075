"""Match events, company sign-ups and youth sign-ups: input shapes (types only; the services
check every rule) and plain output shapes for the lists."""

from rest_framework import serializers

from api.serializers.fields import enum_field, id_field
from domain.models import CompanySignup, MatchEvent, Municipality, YouthSignup

# --- output ---------------------------------------------------------------------------------------


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    municipality = serializers.IntegerField(source="municipality_id")
    municipality_name = serializers.CharField(source="municipality.name")
    title = serializers.CharField()
    description = serializers.CharField()
    place = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    signup_deadline = serializers.DateTimeField()
    youth_capacity = serializers.IntegerField()
    company_capacity = serializers.IntegerField()
    status = enum_field(MatchEvent.Status.choices, name="EventStatus")


class SlotBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class CompanySignupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    company = serializers.IntegerField(source="company_id")
    company_name = serializers.CharField(source="company.name")
    attendees = serializers.IntegerField()
    slots = SlotBriefSerializer(many=True, source="slots.all")
    status = enum_field(CompanySignup.Status.choices, name="CompanySignupStatus")
    created_at = serializers.DateTimeField()


class EventDetailSerializer(EventSerializer):
    companies = CompanySignupSerializer(many=True, source="confirmed_company_signups")


class YouthSignupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    youth = serializers.IntegerField(source="youth_id")
    youth_first_name = serializers.CharField(source="youth.first_name")
    status = enum_field(YouthSignup.Status.choices, name="YouthSignupStatus")
    waitlist_position = serializers.IntegerField(
        allow_null=True, help_text="1-based place on the waitlist; null unless waitlisted."
    )
    created_at = serializers.DateTimeField()
    promoted_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    checked_in_at = serializers.DateTimeField(allow_null=True)


# --- input ----------------------------------------------------------------------------------------


class EventCreateSerializer(serializers.Serializer):
    municipality = serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.all(),
        required=False,
        help_text="Required for an admin; a consultant's own municipality by default.",
    )
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    place = serializers.CharField(allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    signup_deadline = serializers.DateTimeField()
    youth_capacity = serializers.IntegerField()
    company_capacity = serializers.IntegerField()


class EventUpdateSerializer(serializers.Serializer):
    """Every field optional: what is left out stays as it is."""

    title = serializers.CharField(allow_blank=True, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    place = serializers.CharField(allow_blank=True, required=False)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False)
    signup_deadline = serializers.DateTimeField(required=False)
    youth_capacity = serializers.IntegerField(required=False)
    company_capacity = serializers.IntegerField(required=False)


class CompanySignupCreateSerializer(serializers.Serializer):
    company = id_field(
        required=False,
        help_text="Required for staff signing a company up; a member's own company by default.",
    )
    attendees = serializers.IntegerField(required=False, default=1)
    slot_ids = serializers.ListField(child=id_field(), required=False, default=list, max_length=100)


class YouthSignupCreateSerializer(serializers.Serializer):
    youth = id_field()
