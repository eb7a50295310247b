"""三员分立 in the database: one account holds either one admin role or business roles, never a mix.
Also the index that makes subtree queries (path LIKE 'prefix%') use an index on both databases."""

from django.db import migrations

KIND = "CASE WHEN {r} IN ('sysadmin', 'secadmin', 'auditadmin') THEN {r} ELSE 'business' END"

SQLITE_UP = [
    *[
        f"""CREATE TRIGGER orgs_membership_role_mix_{op.lower()} BEFORE {op} ON orgs_membership
        WHEN EXISTS (SELECT 1 FROM orgs_membership m WHERE m.user_id = NEW.user_id AND m.id IS NOT NEW.id
                     AND {KIND.format(r='m.role')} <> {KIND.format(r='NEW.role')})
        BEGIN SELECT RAISE(ABORT, 'role conflict: admin roles are exclusive (三员分立)'); END"""
        for op in ("INSERT", "UPDATE")
    ],
    # SQLite's LIKE optimisation needs a NOCASE index (paths hold only digits and slashes).
    "CREATE INDEX orgs_unit_path_like ON orgs_unit (path COLLATE NOCASE)",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS orgs_membership_role_mix_insert",
    "DROP TRIGGER IF EXISTS orgs_membership_role_mix_update",
    "DROP INDEX IF EXISTS orgs_unit_path_like",
]
PG_UP = [
    f"""CREATE OR REPLACE FUNCTION orgs_membership_role_mix() RETURNS trigger AS $$
    BEGIN
      -- Serialise concurrent grants to one account so two transactions cannot each add a conflicting role.
      -- A row lock, not an advisory lock: bulk imports of 50,000 accounts must not fill the lock table.
      PERFORM 1 FROM orgs_user WHERE id = NEW.user_id FOR NO KEY UPDATE;
      IF EXISTS (SELECT 1 FROM orgs_membership m WHERE m.user_id = NEW.user_id AND m.id <> NEW.id
                 AND {KIND.format(r='m.role')} <> {KIND.format(r='NEW.role')}) THEN
        RAISE EXCEPTION 'role conflict: admin roles are exclusive (三员分立)' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER orgs_membership_role_mix BEFORE INSERT OR UPDATE ON orgs_membership
       FOR EACH ROW EXECUTE FUNCTION orgs_membership_role_mix()""",
    "CREATE INDEX orgs_unit_path_like ON orgs_unit (path varchar_pattern_ops)",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS orgs_membership_role_mix ON orgs_membership",
    "DROP FUNCTION IF EXISTS orgs_membership_role_mix()",
    "DROP INDEX IF EXISTS orgs_unit_path_like",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
                cursor.execute(sql)  # no params: '%' in PL/pgSQL bodies stays literal

    return run


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}), _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})
        ),
    ]
