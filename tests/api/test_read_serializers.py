"""ReadSerializer writes the same answer as DRF's general path, only cheaper."""

import json
from datetime import date
from importlib import import_module
from types import SimpleNamespace
from unittest import mock

import pytest
from rest_framework import serializers

from api.serializers.read import ReadSerializer
from api.serializers.slots import SlotSerializer
from tests import factories as f


def drf_path(serializer_class, instance, **kwargs):
    """The answer DRF's own Serializer.to_representation gives, nested serializers included."""
    with mock.patch.object(
        ReadSerializer, "to_representation", serializers.Serializer.to_representation
    ):
        return json.dumps(serializer_class(instance, **kwargs).data)


def every_read_serializer(cls=ReadSerializer):
    import_module("api.urls")  # the URLs import every serializer the API answers with
    for subclass in cls.__subclasses__():
        yield subclass
        yield from every_read_serializer(subclass)


def test_the_slot_list_is_the_same_json_as_drf_writes(db, company):
    slots = [
        f.SlotFactory(company=company, end_date=date(2027, 3, 1), seats=4),
        f.SlotFactory(company=company, status="draft", published_at=None, description=""),
    ]
    fast = json.dumps(SlotSerializer(slots, many=True).data)
    assert fast == drf_path(SlotSerializer, slots, many=True)
    row = json.loads(fast)[0]
    assert row["company"] == {"id": company.pk, "name": company.name}
    assert row["end_date"] == "2027-03-01"
    assert json.loads(fast)[1]["published_at"] is None


def test_a_none_on_the_way_leaves_the_key_out_as_drf_does():
    class Nested(ReadSerializer):
        name = serializers.CharField(source="company.name", read_only=True)
        count = serializers.IntegerField(read_only=True)

    row = SimpleNamespace(company=None, count=3)
    assert Nested(row).data == {"count": 3}
    assert json.dumps(Nested(row).data) == drf_path(Nested, row)


def test_a_field_that_reads_more_than_its_value_is_refused():
    class Greedy(ReadSerializer):
        greeting = serializers.SerializerMethodField()

        def get_greeting(self, obj):
            return self.context["request"].user

    with pytest.raises(TypeError, match=r"Greedy\.greeting"):
        Greedy.plan()


@pytest.mark.parametrize(
    "serializer_class", list(every_read_serializer()), ids=lambda c: c.__name__
)
def test_every_read_serializer_of_the_api_builds_its_plan(serializer_class):
    if serializer_class.__module__.startswith("api."):
        assert serializer_class.plan()
