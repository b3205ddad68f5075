"""Interests carry their youth's municipality (and two indexes on it), filled for existing rows.

The column is added nullable, filled from the youth, then made required, so the migration runs
on a populated installation.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_municipality(apps, schema_editor):
    Interest = apps.get_model("portal", "Interest")
    Youth = apps.get_model("portal", "Youth")
    own = Youth.objects.filter(pk=OuterRef("youth_id")).values("municipality_id")[:1]
    Interest.objects.filter(municipality__isnull=True).update(municipality_id=Subquery(own))
    if schema_editor.connection.vendor == "postgresql":
        # Fire the deferred foreign-key checks now: PostgreSQL refuses the ALTER TABLE that
        # follows while trigger events are pending on the table.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_outbox_send_started"),
    ]

    operations = [
        migrations.AddField(
            model_name="interest",
            name="municipality",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="portal.municipality",
            ),
        ),
        migrations.RunPython(fill_municipality, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="interest",
            name="municipality",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="portal.municipality",
            ),
        ),
        migrations.AddIndex(
            model_name="interest",
            index=models.Index(
                fields=["municipality", "-created_at", "-id"], name="interest_muni_newest"
            ),
        ),
        migrations.AddIndex(
            model_name="interest",
            index=models.Index(fields=["municipality", "status"], name="interest_muni_status"),
        ),
    ]
