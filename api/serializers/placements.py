"""Interests, placements, check-ins and follow-up notes: input shapes (types only; the services
check every rule) and plain output shapes.

A company member sees only what docs/domain.md allows of a youth: first name, age, sectors and the
interest's message (``id`` and ``last_name`` are null for them); the contact comes only in an
interest's detail, and only once a placement with the company is approved.
"""

from rest_framework import serializers

from api.serializers.fields import enum_field, id_field
from domain.models import Interest, Placement, PlacementOutcome
from domain.policy import role_of
from domain.selectors.youth import youth_age


def staff_view(context: dict) -> bool:
    request = context.get("request")
    return request is not None and role_of(request.user) in ("admin", "consultant")


class YouthCardSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    first_name = serializers.CharField()
    last_name = serializers.SerializerMethodField()
    age = serializers.SerializerMethodField()
    sectors = serializers.SerializerMethodField()

    def get_id(self, youth) -> int | None:
        return youth.pk if staff_view(self.context) else None

    def get_last_name(self, youth) -> str | None:
        return youth.last_name if staff_view(self.context) else None

    def get_age(self, youth) -> int | None:
        return youth_age(youth)

    def get_sectors(self, youth) -> list[str]:
        return [sector.name for sector in youth.sectors.all()]


class SlotRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    company = serializers.IntegerField(source="company_id")
    company_name = serializers.CharField(source="company.name")


class InterestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot = SlotRefSerializer()
    youth = YouthCardSerializer()
    message = serializers.CharField()
    status = enum_field(Interest.Status.choices, name="InterestStatus")
    decline_reason = serializers.CharField()
    intro_meeting_at = serializers.DateTimeField(allow_null=True)
    intro_meeting_place = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class InterestDetailSerializer(InterestSerializer):
    contact = serializers.CharField(
        allow_null=True,
        help_text="The youth's Telegram username, for the company only once a placement with "
        "it is approved or active.",
    )


class PlacementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slot = SlotRefSerializer()
    youth = YouthCardSerializer()
    interest = serializers.IntegerField(source="interest_id", allow_null=True)
    previous = serializers.IntegerField(source="previous_id", allow_null=True)
    hours_per_week = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    status = enum_field(Placement.Status.choices, name="PlacementStatus")
    reject_reason = serializers.SerializerMethodField()
    end_reason = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField(
        help_text="What an ended placement led to at the company (`job_offer`, `paid_hours`, "
        "`nothing`); null while not recorded, and for company members."
    )
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)

    # A consultant's reasons are about the youth: the company sees that it happened, not why.
    def get_reject_reason(self, placement) -> str | None:
        return placement.reject_reason if staff_view(self.context) else None

    def get_end_reason(self, placement) -> str | None:
        return placement.end_reason if staff_view(self.context) else None

    def get_outcome(self, placement) -> str | None:
        return (placement.outcome or None) if staff_view(self.context) else None


class PlacementOutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=PlacementOutcome.choices,
        help_text="Did the placement lead to a job offer or paid hours at the company?",
    )


class CheckInSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    placement = serializers.IntegerField(source="placement_id")
    week = serializers.DateField(help_text="The Monday of the week.")
    score = serializers.IntegerField(help_text="1–5.")
    text = serializers.CharField()
    shared = serializers.BooleanField(
        help_text="Whether the youth lets the sentence be shown, anonymised, to other youth "
        "(only the youth can change it, in the bot)."
    )
    created_at = serializers.DateTimeField()


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    placement = serializers.IntegerField(source="placement_id")
    author = serializers.IntegerField(source="author_id", allow_null=True)
    author_name = serializers.SerializerMethodField()
    text = serializers.CharField()
    met_workplace_contact = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def get_author_name(self, note) -> str | None:
        return note.author.get_full_name() or note.author.username if note.author else None


# --- input ----------------------------------------------------------------------------------------


class InterestCreateSerializer(serializers.Serializer):
    youth = id_field()
    slot = id_field()
    message = serializers.CharField(allow_blank=True, required=False, default="")


class InterestAcceptSerializer(serializers.Serializer):
    intro_meeting_at = serializers.DateTimeField()
    intro_meeting_place = serializers.CharField(allow_blank=True)


class InterestMoveIntroSerializer(serializers.Serializer):
    intro_meeting_at = serializers.DateTimeField()
    place = serializers.CharField(
        allow_blank=True,
        allow_null=True,
        required=False,
        default=None,
        help_text="Left out, null or blank: the same place.",
    )


class PlacementTermsSerializer(serializers.Serializer):
    hours_per_week = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(
        allow_null=True, required=False, default=None, help_text="Default: the slot's end."
    )


class PlacementCreateSerializer(PlacementTermsSerializer):
    interest = id_field(help_text="An interest the company has accepted.")


class PlacementSwitchSerializer(PlacementTermsSerializer):
    to_interest = id_field(help_text="The accepted interest in the next company's slot.")


class NoteCreateSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    met_workplace_contact = serializers.BooleanField(required=False, default=False)
