"""On PostgreSQL, refuse TRUNCATE of the audit table to every role but its owner (and superusers).

Row triggers (0002) do not fire on TRUNCATE; a statement-level trigger does. The runtime role has no
TRUNCATE privilege anyway (grant_runtime_role); this trigger still refuses it when a role was given
too much by mistake (`GRANT ALL ON ALL TABLES …`). The owner keeps it: it runs migrations and the
test database's flush, and could disable any trigger in any case.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_no_truncate() RETURNS trigger AS $$
BEGIN
    IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RAISE EXCEPTION 'audit_auditevent is append-only: TRUNCATE refused to role %', current_user;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_no_truncate();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_delete_audithead")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
