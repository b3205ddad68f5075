"""Pages of a list a person reads: every list over a growing table shows one page at a time,
with its total, so a page costs the same at a big municipality as at a small one."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

#: Rows per page on the portal's lists (inbox cards, approvals, slots).
PAGE_SIZE = 20


def page_of(
    request: HttpRequest, rows: QuerySet | list, *, param: str = "page", per_page: int = PAGE_SIZE
) -> Page:
    """The page ``request.GET[param]`` asks for; a missing or bad number is the first page, a
    number past the end the last one (a list that shrank under a live reload stays usable)."""
    return Paginator(rows, per_page).get_page(request.GET.get(param))
