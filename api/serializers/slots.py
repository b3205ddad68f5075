"""Slots: one output shape for lists and details, input shapes for create and change."""

from rest_framework import serializers

from api.serializers.network import CompanyRefSerializer, SectorRefSerializer
from api.serializers.read import ReadSerializer
from domain.models import Slot


class SlotSerializer(ReadSerializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=Slot.Kind.choices, read_only=True)
    status = serializers.ChoiceField(choices=Slot.Status.choices, read_only=True)
    company = CompanyRefSerializer(read_only=True)
    sector = SectorRefSerializer(read_only=True)
    address = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    hours_min = serializers.IntegerField(read_only=True)
    hours_max = serializers.IntegerField(read_only=True)
    earliest_start = serializers.DateField(read_only=True)
    end_date = serializers.DateField(read_only=True, allow_null=True)
    seats = serializers.IntegerField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)


class SlotChangeSerializer(serializers.Serializer):
    """The fields of a slot; ranges and cross-field rules are the service's (one place)."""

    title = serializers.CharField(max_length=120)
    description = serializers.CharField(
        max_length=4000, allow_blank=True, required=False, default=""
    )
    kind = serializers.ChoiceField(choices=Slot.Kind.choices)
    sector = serializers.CharField(max_length=40, help_text="A sector code.")
    address = serializers.CharField(max_length=200)
    postcode = serializers.CharField(max_length=4)
    hours_min = serializers.IntegerField(help_text="Hours per week, 1–37.")
    hours_max = serializers.IntegerField(help_text="Hours per week, 1–37, at least hours_min.")
    earliest_start = serializers.DateField()
    end_date = serializers.DateField(allow_null=True, required=False, default=None)
    seats = serializers.IntegerField(required=False, default=1, help_text="1–50.")


class SlotCreateSerializer(SlotChangeSerializer):
    company = serializers.IntegerField(help_text="The company that offers the slot.")
