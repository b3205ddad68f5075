"""Plain helpers the test modules share (fixtures live in the conftest files)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import models as db_models
from django.forms.models import model_to_dict

from domain.exceptions import DomainError

# A model (every field of every row) or a ``(model, field, ...)`` tuple (only those fields).
Table = type[db_models.Model] | tuple[Any, ...]


def actor(request: pytest.FixtureRequest, who: str | None):
    """A fixture name → the acting object: the fixture's ``.user`` where it has one (consultant,
    company member), else the fixture itself (a youth, an admin user); ``None`` or ``"system"``
    → ``None``, the system acting on its own."""
    if who is None or who == "system":
        return None
    obj = request.getfixturevalue(who)
    return getattr(obj, "user", obj)


def snapshot(*models: Table) -> dict:
    """The rows of ``models`` in primary-key order, as plain data to compare before and after."""
    state = {}
    for table in models:
        model, *fields = table if isinstance(table, tuple) else (table,)
        key = model._meta.label + (f"({', '.join(fields)})" if fields else "")
        state[key] = list(model._default_manager.order_by("pk").values(*fields))
    return state


def refused(
    code: str, call: Callable[[], object], *, models: tuple[Table, ...], field: str | None = None
) -> DomainError:
    """``call`` raises DomainError(code) (on ``field``, when given) and leaves the rows of
    ``models`` (see :func:`snapshot`) exactly as they were."""
    before = snapshot(*models)
    with pytest.raises(DomainError) as info:
        call()
    assert info.value.code == code
    if field is not None:
        assert info.value.field == field
    assert snapshot(*models) == before
    return info.value


def stored(obj: db_models.Model) -> dict:
    """``obj``'s row as the database holds it now, its many-to-many fields included."""
    return model_to_dict(type(obj)._default_manager.get(pk=obj.pk))
