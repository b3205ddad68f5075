"""The portal's one translation point of the domain error (docs/contributing.md).

``not_found`` becomes 404 and ``forbidden`` 403; any other ``DomainError`` is shown to the user:
at the form field it names (``error.field``, renamed through ``fields`` where the form calls it
otherwise), as a form-wide error when the form has no such field, or as a page message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from domain.exceptions import DomainError

T = TypeVar("T")


def raise_for_access(error: DomainError) -> None:
    """404 for objects the user may not know exist, 403 for known ones they may not change."""
    if error.code == "not_found":
        raise Http404(str(error.message))
    if error.code == "forbidden":
        raise PermissionDenied(str(error.message))


def show_domain_error(
    request: HttpRequest,
    error: DomainError,
    *,
    form: forms.BaseForm | None = None,
    fields: Mapping[str, str] | None = None,
) -> None:
    """Show ``error`` where the user will look for it (or raise 404/403 for access codes)."""
    raise_for_access(error)
    field = (fields or {}).get(error.field or "", error.field)
    if form is not None and field in form.fields:
        form.add_error(field, str(error.message))
    else:
        # A refused transition (a slot already closed, an interest already answered) is about
        # the page, not about what was typed: it goes to the top, where messages are read.
        messages.error(request, str(error.message))


def get_or_404(getter: Callable[..., T], **kwargs) -> T:
    """Call a selector's getter; its ``not_found`` (or ``forbidden``) becomes 404 (or 403)."""
    try:
        return getter(**kwargs)
    except DomainError as error:
        raise_for_access(error)
        raise
