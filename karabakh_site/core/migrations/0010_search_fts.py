"""SQLite's full-text index (karabakh_site.search): one FTS5 table for every searchable kind,
porter stemming over unicode61 with diacritics removed. PostgreSQL keeps its stored vectors and
gets nothing here. The rows are written by SearchIndexed's save hook and rebuilt after migrate
(core's post_migrate), which fills the table for an archive that existed before it."""

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS core_search_fts USING fts5("
    "model UNINDEXED, obj_id UNINDEXED, a, b, c, d, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS core_search_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_source_perspective"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
