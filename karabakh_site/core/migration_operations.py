"""Migration operations for PostgreSQL-only database features.

The model state keeps the index on every database (so makemigrations sees no change), but only
PostgreSQL gets it: SQLite has no GIN indexes, and its search falls back to plain lookups.
"""

from django.db.migrations.operations import AddIndex


class AddIndexOnPostgres(AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
