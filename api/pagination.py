"""Pagination for every list: ``?page=N&page_size=M`` (at most 100 a page); lists over tables
that grow without bound (the audit trail) page by cursor instead (keyset pagination)."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        # A page number that is not a page (0, "x", past the end) is bad input on the ``page``
        # field (400, like any other), not a missing resource: the list itself exists.
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise ValidationError({self.page_query_param: [error.detail]}) from None


class NewestFirstCursorPagination(CursorPagination):
    """``?cursor=…&page_size=M``: the next page starts after the last row seen, so page 1,000
    costs what page 1 does and no page counts the table. The answer has ``next`` and
    ``previous`` links and no ``count``."""

    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        # A cursor we did not hand out is bad input on the ``cursor`` field, as for ``page``.
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: [error.detail]}) from None
