"""The full-text index of papers: SQLite FTS5 or a PostgreSQL tsvector, kept by triggers.

See documents.full_text. Spelled out here (not read from documents.search_query) so that it
stays what this migration made whatever that code becomes.
"""

from django.db import migrations

from documents.full_text import Index, create_index, drop_index

PAPERS = Index(
    table="documents_document",
    columns=("title", "description", "text"),
    weights=(10.0, 4.0, 1.0),
)


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_with_its_posts")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: create_index(schema_editor, PAPERS),
            lambda apps, schema_editor: drop_index(schema_editor, PAPERS),
            elidable=False,
        )
    ]
