"""The database itself refuses UPDATE and DELETE on audit rows (and TRUNCATE on PostgreSQL).

Deletion is possible only while a row sits in baosong_audit_maintenance, a table outside the models
that the test harness opens to empty the database between transactional tests; production never writes it.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE TABLE IF NOT EXISTS baosong_audit_maintenance (opened_at TEXT)",
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN NOT EXISTS (SELECT 1 FROM baosong_audit_maintenance)
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
    "DROP TABLE IF EXISTS baosong_audit_maintenance",
]
PG_UP = [
    "CREATE TABLE IF NOT EXISTS baosong_audit_maintenance (opened_at timestamptz)",
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' OR NOT EXISTS (SELECT 1 FROM baosong_audit_maintenance) THEN
           RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP USING ERRCODE = 'integrity_constraint_violation';
         END IF;
         IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF;
         RETURN OLD;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()""",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only()""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
    "DROP TABLE IF EXISTS baosong_audit_maintenance",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
                cursor.execute(sql)  # no params: '%' in PL/pgSQL bodies stays literal

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}), _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})
        ),
    ]
