"""EXPLAIN ANALYZE of the municipality-scoped reads of interests, by the municipality on the
row (what the selectors do) and through the youth (what they did before), on a database built
by ``bench/data_scale.py`` (docs/scaling.md has the plans at L).

    DATABASE_URL=postgres://…/<a data_scale template or copy> \\
        .venv/bin/python bench/support/explain_interests.py
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from domain.models import Interest, Municipality
    from domain.selectors.placements import INTEREST_RELATED

    muni = Municipality.objects.order_by("pk").first()
    year_ago = timezone.now() - timedelta(days=365)
    base = Interest.objects.select_related(*INTEREST_RELATED)
    cases = {
        "list, newest first (API, dashboard)": lambda q: base.filter(**q).order_by(
            "-created_at", "-pk"
        )[:20],
        "pending, newest first (dashboard)": lambda q: base.filter(status="pending", **q).order_by(
            "-created_at", "-pk"
        )[:10],
        "counts by status (dashboard)": lambda q: (
            Interest.objects.filter(**q).values("status").annotate(n=Count("pk")).order_by()
        ),
        "a year's interests (statistics funnel)": lambda q: (
            Interest.objects.filter(created_at__gte=year_ago, **q)
            .values("status")
            .annotate(n=Count("pk"))
            .order_by()
        ),
    }
    scopes = {
        "on the row": {"municipality_id": muni.pk},
        "through the youth": {"youth__municipality_id": muni.pk},
    }
    for title, make in cases.items():
        for scope, q in scopes.items():
            sql, params = make(q).query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}", params
                )
                plan = [row[0] for row in cursor.fetchall()]
            print(f"\n## {title} — {scope}\n")
            print("\n".join(plan))


if __name__ == "__main__":
    main()
