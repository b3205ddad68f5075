"""Randomised intake: referrals and draws. Input shapes (types only; the services check every
rule) and plain output shapes. No serializer writes an arm: the draw alone sets it."""

from rest_framework import serializers

from api.serializers.fields import enum_field
from domain.models import AgeBand, Municipality

# --- output ---------------------------------------------------------------------------------------


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    municipality = serializers.IntegerField(source="municipality_id")
    reference = serializers.CharField(
        help_text="The municipality's case reference; empty once erased."
    )
    birth_year = serializers.IntegerField(allow_null=True, help_text="Null once erased.")
    age_band = enum_field(AgeBand.choices, name="AgeBand")
    referral_date = serializers.DateField(help_text="The first of the month once erased.")
    draw = serializers.IntegerField(source="draw_id", allow_null=True)
    arm = serializers.CharField(
        help_text="`nextwork` or `usual` once drawn (final); empty while waiting for the draw."
    )
    youth = serializers.IntegerField(
        source="youth_id",
        allow_null=True,
        help_text="The youth registered from a NExTWORK referral; never set in usual service.",
    )
    created_at = serializers.DateTimeField()
    erased_at = serializers.DateTimeField(allow_null=True)


class StratumSerializer(serializers.Serializer):
    age_band = enum_field(AgeBand.choices, name="AgeBand")
    nextwork = serializers.IntegerField()
    usual = serializers.IntegerField()
    total = serializers.IntegerField()


class DrawSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    municipality = serializers.IntegerField(source="municipality_id")
    seed = serializers.CharField(help_text="The random seed the arms follow from (hex).")
    ratio_nextwork = serializers.IntegerField()
    ratio_usual = serializers.IntegerField()
    drawn_by = serializers.IntegerField(source="drawn_by_id", allow_null=True)
    drawn_at = serializers.DateTimeField()


class DrawDetailSerializer(DrawSerializer):
    strata = StratumSerializer(many=True, help_text="Referrals per age band and arm.")
    reproduced = serializers.BooleanField(
        help_text="True when recomputing the draw from its seed gives the stored arms."
    )


# --- input ----------------------------------------------------------------------------------------


def _municipality_field() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.all(),
        required=False,
        help_text="Required for an admin; a consultant's own municipality by default.",
    )


class ReferralCreateSerializer(serializers.Serializer):
    municipality = _municipality_field()
    reference = serializers.CharField(allow_blank=True, max_length=200)
    birth_year = serializers.IntegerField()
    referral_date = serializers.DateField()


class DrawCreateSerializer(serializers.Serializer):
    municipality = _municipality_field()
