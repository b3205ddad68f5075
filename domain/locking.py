"""Row locks for capacity checks (slot seats, event seats).

The lock is taken *before* the count it protects, inside the service's transaction. On
PostgreSQL a lock wait is bounded so a stuck transaction turns into a clear "try again" instead of
a hung request. On SQLite ``select_for_update`` is a no-op, but the IMMEDIATE transaction mode
takes the database's write lock at BEGIN, so writers are serialised there too.
"""

from typing import TypeVar

from django.db import OperationalError, connection, models
from django.utils.translation import gettext_lazy as _

from domain.exceptions import DomainError

M = TypeVar("M", bound=models.Model)

LOCK_TIMEOUT = "5s"


def lock_for_update(model: type[M], pk: int, *, related: tuple[str, ...] = ()) -> M:
    """Re-read ``model`` row ``pk`` with a row lock held until the transaction ends, with its
    ``related`` rows (forward relations) read in the same query but not locked."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    try:
        rows = model._default_manager.all()
        if related:
            rows = rows.select_related(*related).select_for_update(of=("self",))
        else:
            rows = rows.select_for_update()
        return rows.get(pk=pk)
    except model.DoesNotExist:
        raise DomainError(_("Not found."), code="not_found") from None
    except OperationalError as exc:
        # A lock wait that timed out, or PostgreSQL breaking a deadlock: both mean "try again".
        message = str(exc).lower()
        if "lock timeout" in message or "lock_timeout" in message or "deadlock" in message:
            raise DomainError(
                _("Many people are doing this right now. Please try again in a moment."),
                code="busy",
            ) from exc
        raise


def lock_and_refresh(obj: M) -> M:
    """Lock ``obj``'s row for the rest of the transaction and bring the caller's instance up to
    date with it, so the state checked next is the state that will be changed."""
    fresh = lock_for_update(type(obj), obj.pk)
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(fresh, field.attname))
    return obj
