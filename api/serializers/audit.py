"""Audit entries: ids and states only, never free text (see domain/models/audit.py)."""

from rest_framework import serializers


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    actor_id = serializers.IntegerField(read_only=True, allow_null=True)
    actor_label = serializers.CharField(
        read_only=True, help_text='"user:12", "youth:7" or "system".'
    )
    action = serializers.CharField(read_only=True, help_text='e.g. "placement.approve".')
    target_type = serializers.CharField(read_only=True)
    target_id = serializers.IntegerField(read_only=True, allow_null=True)
    municipality_id = serializers.IntegerField(read_only=True, allow_null=True)
    data = serializers.DictField(read_only=True)
