"""What every table's admin shares: rows the services create are not added, deleted or moved by
hand; related rows show read-only on their parent's page; transitions are actions that call the
services."""

from collections.abc import Callable
from functools import cached_property

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import ngettext

from domain.exceptions import DomainError


class EstimatedCountPaginator(Paginator):
    """Pages of a table that grows without bound (audit entries, outgoing messages,
    attendance): the unfiltered list counts at most ``EXACT_UP_TO`` rows and, past that, takes
    PostgreSQL's estimate of the table's rows (``pg_class.reltuples``, kept by autovacuum's
    ANALYZE) instead of counting them all on every page. Both come from one query, so a page
    costs the same number of queries at any size. A filtered list, or another database,
    counts exactly.
    """

    #: Up to this many rows the count is exact (and reading them is cheap).
    EXACT_UP_TO = 10_000

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet) or rows.query.where:
            return super().count
        connection = connections[rows.db]
        if connection.vendor != "postgresql":
            return super().count
        head_sql, params = (
            rows.order_by().values("pk")[: self.EXACT_UP_TO + 1].query.sql_with_params()
        )
        with connection.cursor() as cursor:
            # head_sql is the ORM's own compiled query; every value in it is a parameter.
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM ({head_sql}) AS head), "  # noqa: S608
                "(SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass)",
                [*params, rows.model._meta.db_table],
            )
            head, estimate = cursor.fetchone()
        if head <= self.EXACT_UP_TO:
            return head
        # Never fewer than the rows seen (an estimate can lag behind, or be -1: never analysed).
        return max(estimate, head)


class GrowingTableAdmin(admin.ModelAdmin):
    """The list of a table that grows without bound: estimated total, no second count."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False


class BaseAdmin(admin.ModelAdmin):
    """Service-born rows by default: no add, no delete, lifecycle fields read-only."""

    list_per_page = 50
    #: Rows a service creates (it validates, locks, audits and tells people); False for plain
    #: reference data a superuser may add by hand.
    created_by_services = True
    #: Fields only a service may change (states, decisions, links, identity).
    lifecycle_fields: tuple[str, ...] = ()
    #: Every field is lifecycle: the page shows the row, the actions move it.
    view_only = False

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None):
        return (*super().get_readonly_fields(request, obj), *self.lifecycle_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self.created_by_services and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return not self.created_by_services and super().has_delete_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return not self.view_only and super().has_change_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """Related rows shown on their parent's page; changed only through their own services."""

    extra = 0

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None):
        return self.fields or ()

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


def service_action(service: Callable[..., object], *, arg: str, description: str):
    """An admin action that runs ``service(<arg>=row, actor=request.user)`` for each selected
    row and reports every refusal with the service's own message."""

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for obj in queryset:
            try:
                service(**{arg: obj}, actor=request.user)
            except DomainError as error:
                modeladmin.message_user(request, f"{obj}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(
                request,
                ngettext("%(count)d row done.", "%(count)d rows done.", done) % {"count": done},
                messages.SUCCESS,
            )

    action.__name__ = service.__name__  # the action's key in the form; unique per service
    return admin.action(description=description)(action)
