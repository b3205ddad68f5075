"""The audit trail, read-only, for admins."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.routers import SimpleRouter

from api.filters.audit import AuditEntryFilter
from api.pagination import NewestFirstCursorPagination
from api.permissions import IsAdmin
from api.schema import errors
from api.serializers.audit import AuditEntrySerializer
from domain.selectors.audit import audit_entries_visible_to_user


@extend_schema_view(
    list=extend_schema(
        summary="List audit entries",
        description="Who did what to which record, when: approvals, exports, erasures, "
        "permission changes and every staff read of a youth's record. Admins only. Newest "
        "first, paged by cursor (follow `next`; there is no total count, the trail grows "
        "without bound); a cursor that was not handed out is a 400.",
        responses={200: AuditEntrySerializer(many=True), **errors(400, 401, 403, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="One audit entry",
        description="Admins only.",
        responses={200: AuditEntrySerializer, **errors(401, 403, 404, 429)},
    ),
)
class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAdmin]
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    pagination_class = NewestFirstCursorPagination
    search_fields: list = []
    # The cursor fixes the order (newest first, by an index); no ``ordering`` parameter.
    ordering_fields: list = []
    ordering = NewestFirstCursorPagination.ordering
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return audit_entries_visible_to_user(user=self.request.user)


urlpatterns: list = []


def register(router: SimpleRouter) -> None:
    router.register("audit-entries", AuditEntryViewSet, basename="audit-entry")
