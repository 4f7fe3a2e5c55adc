"""The moderation queue's order (pending replies first, then newest first) as an index, so a
page of a million replies is read from its start rather than sorted whole.

An index on an expression, written as plain SQL both SQLite and PostgreSQL accept; Django's
model state does not hold it (it has no field of its own), so it is made and dropped here only.
The expression is comments.admin.queue.PENDING_FIRST (whose column names its table, as a query
joined to the posts must): a database uses such an index only for the very same expression
(tests/comments/test_admin_at_scale.py checks that it does).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("comments", "0006_reply_words")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX comment_pending_first_idx ON comments_comment "
            "((CASE WHEN \"status\" = 'pending' THEN 0 ELSE 1 END), "
            "submitted_at DESC, id DESC)",
            "DROP INDEX comment_pending_first_idx",
        ),
    ]
