"""A published register version cannot be changed in the database either: a trigger refuses
any UPDATE of its content columns (the model refuses save() and delete() already; this also
stops QuerySet.update() and hand-written SQL). Only `published_by` may still be set to NULL,
as Django does when the publishing user's account is deleted. Deleting stays possible, for
the cascade from a deleted project.

Note for SQLite: a migration that rebuilds this table drops the trigger; add it again there.
"""

from django.db import migrations

COLUMNS = (
    "entry_id, number, snapshot, changes, change_note, risk_level, status, summary, published_at"
)
MESSAGE = "a published register version is never changed"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION register_version_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}';
            END
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER register_version_immutable
                BEFORE UPDATE OF {COLUMNS} ON register_registerentryversion
                FOR EACH ROW EXECUTE FUNCTION register_version_immutable();
            """
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"""
            CREATE TRIGGER register_version_immutable
            BEFORE UPDATE OF {COLUMNS} ON register_registerentryversion
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
            """
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS register_version_immutable ON register_registerentryversion;"
            "DROP FUNCTION IF EXISTS register_version_immutable();"
        )
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS register_version_immutable")


class Migration(migrations.Migration):
    dependencies = [("register", "0001_register_entries_and_versions")]

    operations = [migrations.RunPython(create, drop)]
