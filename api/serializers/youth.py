"""Youth records as consultants and admins see them, and the invite shown once."""

from rest_framework import serializers

from api.serializers.fields import id_field
from api.serializers.network import SectorRefSerializer
from domain.models import Destination, Youth
from domain.models.youth import Language
from domain.selectors.youth import youth_age


class GroupRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class YouthSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    municipality_id = serializers.IntegerField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    birth_date = serializers.DateField(read_only=True, allow_null=True)
    age = serializers.SerializerMethodField()
    language = serializers.ChoiceField(choices=Language.choices, read_only=True)
    sectors = SectorRefSerializer(many=True, read_only=True)
    preferred_hours = serializers.IntegerField(read_only=True, allow_null=True)
    contact_consultant_id = serializers.IntegerField(read_only=True, allow_null=True)
    group = GroupRefSerializer(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=Youth.Status.choices, read_only=True)
    is_linked = serializers.BooleanField(
        read_only=True, help_text="Has redeemed an invite: the bot can reach them."
    )
    unreachable_at = serializers.DateTimeField(read_only=True, allow_null=True)
    consent_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    left_at = serializers.DateTimeField(read_only=True, allow_null=True)
    destination = serializers.ChoiceField(
        choices=Destination.choices,
        read_only=True,
        allow_blank=True,
        help_text="Where they went when they left; empty while they take part.",
    )
    destination_date = serializers.DateField(read_only=True, allow_null=True)

    def get_age(self, youth: Youth) -> int | None:
        return youth_age(youth)


class YouthChangeSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    birth_date = serializers.DateField(help_text="Aged 15–29 today. Never a CPR number.")
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    sectors = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=30
    )
    preferred_hours = serializers.IntegerField(required=False, allow_null=True)
    contact_consultant = serializers.IntegerField(
        required=False, allow_null=True, help_text="A consultant of the youth's municipality."
    )


class YouthCreateSerializer(YouthChangeSerializer):
    municipality = serializers.IntegerField(
        required=False, help_text="Admins only; a consultant registers in their own."
    )
    referral = id_field(
        required=False,
        help_text="The referral drawn to NExTWORK this young person comes from: required where "
        "the municipality randomises its intake. A usual-service referral is refused (409 "
        "`usual_service`).",
    )


class YouthLeaveSerializer(serializers.Serializer):
    destination = serializers.ChoiceField(
        choices=Destination.choices, help_text="Where the young person went (required)."
    )
    destination_date = serializers.DateField(
        required=False, help_text="The day it began; today when left out, never in the future."
    )


class InviteSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    youth_id = serializers.IntegerField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    deep_link = serializers.CharField(
        read_only=True, help_text="`https://t.me/<bot>?start=<token>`: shown once, never again."
    )
    qr_svg = serializers.CharField(
        read_only=True, help_text="The deep link as a QR code: an SVG `data:` URI for `<img>`."
    )
    qr_png = serializers.CharField(
        read_only=True, help_text="The same QR code as a PNG `data:` URI (for print or mail)."
    )
