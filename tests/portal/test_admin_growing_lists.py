"""The admin's lists over tables that grow without bound (audit entries, outgoing messages,
attendance) never count the whole table: PostgreSQL's estimate stands in for the total."""

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from domain.audit import audit_log
from domain.models import Attendance, AuditEntry, OutboxMessage
from portal.admin.base import EstimatedCountPaginator, GrowingTableAdmin

AUDIT_LIST = reverse("admin:portal_auditentry_changelist")


@pytest.mark.parametrize("model", [AuditEntry, OutboxMessage, Attendance])
def test_the_growing_tables_use_the_estimated_count_and_no_date_hierarchy(model):
    model_admin = site._registry[model]
    assert isinstance(model_admin, GrowingTableAdmin)
    assert model_admin.paginator is EstimatedCountPaginator
    assert model_admin.show_full_result_count is False
    # The hierarchy reads every row's date to draw its links; time is a list filter instead.
    assert model_admin.date_hierarchy is None


def _entries(admin_user, municipality, n: int) -> None:
    for _ in range(n):
        audit_log(
            actor=admin_user, action="x.y", target=municipality, municipality_id=municipality.pk
        )


def _counts(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_a_small_or_filtered_list_is_counted_exactly(admin_client, admin_user, municipality):
    _entries(admin_user, municipality, 3)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(AUDIT_LIST, {"action": "x.y"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3
    assert _counts(queries.captured_queries)


def _analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {AuditEntry._meta.db_table}")


def test_the_unfiltered_list_of_a_big_table_takes_the_estimate_without_counting_it_all(
    admin_client, admin_user, municipality, on_postgres, monkeypatch
):
    if not on_postgres:
        pytest.skip("the estimate is PostgreSQL's pg_class.reltuples; SQLite counts exactly")
    # Three rows stand for a big table here.
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 3)
    _entries(admin_user, municipality, 7)
    _analyse()
    _entries(admin_user, municipality, 5)  # not analysed yet: the estimate still says 7
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(AUDIT_LIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 7
    counts = _counts(queries.captured_queries)
    assert len(counts) == 1 and "reltuples" in counts[0] and "LIMIT 4" in counts[0]


def test_a_small_table_is_counted_exactly_even_before_it_is_analysed(
    admin_client, admin_user, municipality, monkeypatch
):
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 3)
    _entries(admin_user, municipality, 2)
    response = admin_client.get(AUDIT_LIST)
    assert response.context["cl"].result_count == 2


def test_never_fewer_than_the_rows_seen_when_the_estimate_lags(
    admin_user, municipality, on_postgres, monkeypatch
):
    if not on_postgres:
        pytest.skip("the estimate is PostgreSQL's pg_class.reltuples; SQLite counts exactly")
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 3)
    _entries(admin_user, municipality, 1)
    _analyse()  # the estimate: 1
    _entries(admin_user, municipality, 5)
    assert EstimatedCountPaginator(AuditEntry.objects.all(), 100).count == 4
