# A drawn referral and a draw are never deleted either: the counts by arm rest on them.

from django.db import migrations

NO_DELETE_SQL = """
CREATE FUNCTION portal_intake_no_delete() RETURNS trigger AS $$
BEGIN
    -- Two IFs: PL/pgSQL does not short-circuit, and a draw row has no draw_id.
    IF TG_TABLE_NAME = 'portal_draw' THEN
        RAISE EXCEPTION 'a draw is final: its rows are never deleted';
    END IF;
    IF OLD.draw_id IS NOT NULL THEN
        RAISE EXCEPTION 'a draw is final: its rows are never deleted';
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER portal_referral_no_delete BEFORE DELETE ON portal_referral
    FOR EACH ROW EXECUTE FUNCTION portal_intake_no_delete();
CREATE TRIGGER portal_draw_no_delete BEFORE DELETE ON portal_draw
    FOR EACH ROW EXECUTE FUNCTION portal_intake_no_delete();
"""
NO_DELETE_REVERSE_SQL = """
DROP TRIGGER IF EXISTS portal_referral_no_delete ON portal_referral;
DROP TRIGGER IF EXISTS portal_draw_no_delete ON portal_draw;
DROP FUNCTION IF EXISTS portal_intake_no_delete();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)

    return run


class Migration(migrations.Migration):
    dependencies = [("portal", "0017_intake")]

    operations = [
        migrations.RunPython(_on_postgresql(NO_DELETE_SQL), _on_postgresql(NO_DELETE_REVERSE_SQL)),
    ]
