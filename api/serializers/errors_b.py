"""B's stand-in for ``api.schema`` until api-a's lands: the one error shape for OpenAPI."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


DESCRIPTIONS = {
    400: "Invalid input; `fields` names each field at fault.",
    401: "Not logged in.",
    403: "Not allowed for this caller.",
    404: "Not found (or not visible to this caller).",
    409: "The object is not in a state that allows this.",
    429: "Too many requests; try again later.",
    503: "Busy; try again.",
}


def errors(*statuses: int) -> dict:
    return {
        status: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[status])
        for status in statuses
    }
