"""The shapes of ``domain.selectors.statistics``' answers (plain data: dates as ISO strings)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class PeriodQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text="First local day, included.")
    date_to = serializers.DateField(required=False, help_text="Last local day, included.")

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"date_to": [_("The end of the period cannot be before its start.")]}
            )
        return attrs


class MunicipalityStatisticsQuerySerializer(PeriodQuerySerializer):
    group = serializers.IntegerField(
        required=False, help_text="Only the youth who are members of this group now."
    )


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    # "from" is a Python keyword: declared below.
    to = serializers.DateField(allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(allow_null=True)
        return fields


class FunnelStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["interests", "intro_meetings", "approved", "started"])
    count = serializers.IntegerField()


class YouthWeeksSerializer(serializers.Serializer):
    youth = serializers.CharField(help_text="A stable pseudonym (`U-` + 10 hex digits).")
    weeks = serializers.FloatField()
    placements = serializers.IntegerField()
    active = serializers.BooleanField()


class MunicipalityWeeksSerializer(serializers.Serializer):
    youth = YouthWeeksSerializer(many=True)
    total_weeks = serializers.FloatField()
    average_weeks = serializers.FloatField()


class CheckinWeekSerializer(serializers.Serializer):
    week = serializers.DateField()
    average = serializers.FloatField()
    count = serializers.IntegerField()


class CheckinsSerializer(serializers.Serializer):
    weeks = CheckinWeekSerializer(many=True)
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)


class MunicipalityEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    status = serializers.CharField()
    youth_capacity = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    attended = serializers.IntegerField()
    no_show = serializers.IntegerField()
    checked_in = serializers.IntegerField()


class MunicipalityStatisticsSerializer(serializers.Serializer):
    municipality = RefSerializer()
    period = PeriodSerializer()
    group = RefSerializer(allow_null=True)
    funnel = FunnelStepSerializer(many=True)
    interests_by_status = serializers.DictField(child=serializers.IntegerField())
    placements_by_status = serializers.DictField(child=serializers.IntegerField())
    weeks_in_placement = MunicipalityWeeksSerializer()
    checkins = CheckinsSerializer()
    events = MunicipalityEventSerializer(many=True)


class CompanySlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    seats = serializers.IntegerField()
    seats_taken = serializers.IntegerField()
    interests = serializers.IntegerField()
    placements = serializers.IntegerField()


class CompanyWeeksSerializer(serializers.Serializer):
    total_weeks = serializers.FloatField()
    placements = serializers.IntegerField()


class CompanyEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    status = serializers.CharField()
    attendees = serializers.IntegerField()
    slots = serializers.IntegerField()


class CompanyStatisticsSerializer(serializers.Serializer):
    company = RefSerializer()
    period = PeriodSerializer()
    funnel = FunnelStepSerializer(many=True)
    interests_by_status = serializers.DictField(child=serializers.IntegerField())
    placements_by_status = serializers.DictField(child=serializers.IntegerField())
    slots = CompanySlotSerializer(many=True)
    weeks_in_placement = CompanyWeeksSerializer()
    events = CompanyEventSerializer(many=True)
