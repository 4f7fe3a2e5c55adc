"""The full-text index of posts: SQLite FTS5 or a PostgreSQL tsvector, kept by triggers.

See documents.full_text. Spelled out here (not read from news.search) so that it stays what
this migration made whatever that code becomes.
"""

from django.db import migrations

from documents.full_text import Index, create_index, drop_index

POSTS = Index(
    table="news_post", columns=("title", "excerpt", "body_text"), weights=(10.0, 4.0, 1.0)
)


class Migration(migrations.Migration):
    dependencies = [("news", "0013_history_in_reversion")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: create_index(schema_editor, POSTS),
            lambda apps, schema_editor: drop_index(schema_editor, POSTS),
            elidable=False,
        )
    ]
