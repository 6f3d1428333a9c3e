"""PostgreSQL: a GIN index on the expression the database backend matches, `title || body`.

modelsearch's PostgreSQL backend matches `(title || body) @@ query`; its GIN indexes are on
`title` and `body` apart, which that expression cannot use, so every search read the index
entries of the whole model (≈ 100,000 rows at 100k scripts). SQLite (FTS5) has its own index:
nothing to do there.
"""

from django.db import migrations

INDEX = "search_indexentry_title_body_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING gin ((title || body))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
