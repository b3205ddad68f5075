"""The portal's one translation point of the domain error (docs/contributing.md).

An error of kind ``NOT_FOUND`` becomes 404 and ``FORBIDDEN`` 403; any other ``DomainError`` is
shown to the user: at the form field it names (``error.field``, renamed through ``fields`` where
the form calls it otherwise), as a form-wide error when the form has no such field, or as a page
message. Views run their service calls through ``attempt``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from domain.exceptions import DomainError, Kind

T = TypeVar("T")


def raise_for_access(error: DomainError) -> None:
    """404 for objects the user may not know exist, 403 for known ones they may not change."""
    if error.kind == Kind.NOT_FOUND:
        raise Http404(str(error.message))
    if error.kind == Kind.FORBIDDEN:
        raise PermissionDenied(str(error.message))


def show_domain_error(
    request: HttpRequest,
    error: DomainError,
    *,
    form: forms.BaseForm | None = None,
    fields: Mapping[str, str] | None = None,
) -> None:
    """Show ``error`` where the user will look for it (or raise 404/403 for the access kinds)."""
    raise_for_access(error)
    field = (fields or {}).get(error.field or "", error.field)
    if form is not None and field in form.fields:
        form.add_error(field, str(error.message))
    else:
        # A refused transition (a slot already closed, an interest already answered) is about
        # the page, not about what was typed: it goes to the top, where messages are read.
        messages.error(request, str(error.message))


def get_or_404(getter: Callable[..., T], **kwargs) -> T:
    """Call a selector's getter; its ``NOT_FOUND`` (or ``FORBIDDEN``) becomes 404 (or 403)."""
    try:
        return getter(**kwargs)
    except DomainError as error:
        raise_for_access(error)
        raise


def attempt(
    request: HttpRequest,
    call: Callable[[], T],
    *,
    form: forms.BaseForm | None = None,
    fields: Mapping[str, str] | None = None,
    success: str | None = None,
) -> T | None:
    """Run a service call. On success show ``success`` (if given) and return the result; on a
    ``DomainError`` show it at the form's field or as a page message (404/403 for the access
    kinds) and return None."""
    try:
        result = call()
    except DomainError as error:
        show_domain_error(request, error, form=form, fields=fields)
        return None
    if success:
        messages.success(request, success)
    return result
