"""On PostgreSQL, a trigram index makes the register's name search (contains) fast over millions of rows.

SQLite has no such index; the search stays a scan there (the embedded default holds a city's register, not millions).
Creating the extension needs a privileged role; where it is not allowed the index is skipped with a warning.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("CREATE INDEX IF NOT EXISTS enterprise_name_trgm ON enterprises_enterprise "
                           "USING gin (name gin_trgm_ops)")
            cursor.execute("RELEASE SAVEPOINT trgm")
        except Exception:  # no privilege for the extension: keep working without the index
            cursor.execute("ROLLBACK TO SAVEPOINT trgm")
            print("warning: pg_trgm not available; enterprise name search will scan")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_register_order_index")]
    operations = [migrations.RunPython(create, drop)]
