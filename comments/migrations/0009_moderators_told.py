"""Held replies announced to moderators in batches (comments/announcements.py): whether the
moderators have been told of each held reply, and the partial index that finds those not yet.

Replies already saved count as told: their moderators heard of them (or read the digest) the
old way, one task per reply, and a first batch must not email them all again. The column is
added with True for the rows already there, while the model's default for new rows is False:
Django keeps no default in the database after adding a column, so both leave the same table,
and this way PostgreSQL fills the existing rows without rewriting the table.

SQLite adds the column by copying the table, which keeps only the indexes Django's model state
knows: 0007's index on an expression is made again after the copy, and after the copy that
undoing this migration makes (IF NOT EXISTS: PostgreSQL keeps it all along).
"""

import importlib

from django.db import migrations, models

_0007 = importlib.import_module("comments.migrations.0007_pending_first_scale")
PENDING_FIRST_INDEX = _0007.Migration.operations[0].sql.replace(
    "CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1
)

FIELD = {
    "verbose_name": "moderators have been told of this held reply",
    "editable": False,
}


class Migration(migrations.Migration):
    dependencies = [("comments", "0008_email_index_lower_case")]

    operations = [
        migrations.RunSQL(migrations.RunSQL.noop, PENDING_FIRST_INDEX),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddField(
                    model_name="comment",
                    name="moderators_told",
                    field=models.BooleanField(default=True, **FIELD),
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="comment",
                    name="moderators_told",
                    field=models.BooleanField(default=False, **FIELD),
                ),
            ],
        ),
        migrations.RunSQL(PENDING_FIRST_INDEX, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("moderators_told", False), ("status", "pending")),
                fields=["submitted_at"],
                name="comment_untold_idx",
            ),
        ),
    ]
