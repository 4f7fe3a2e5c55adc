"""A reply's foreign keys: the post's own index dropped (every index that begins with the post
serves it), and the parent's and the accounts' kept only where they are set. Most replies
have none of them, so a visitor's reply writes four indexes fewer.

The indexes are dropped by name (Django's, the same on SQLite and PostgreSQL), not by
altering the fields, which on SQLite would rebuild the table and lose
comment_pending_first_idx (made by SQL in 0007, unknown to the models).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Django's names for the indexes of these four foreign keys (db_index=True until now).
FOREIGN_KEY_INDEXES = {
    "post_id": "comments_comment_post_id_96a9ac05",
    "parent_id": "comments_comment_parent_id_3e0802fb",
    "user_id": "comments_comment_user_id_a1db4881",
    "moderated_by_id": "comments_comment_moderated_by_id_f4549e10",
}


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0010_conversation_index_by_status"),
        ("news", "0019_timeline_indexes_scale"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="moderated_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="comment",
                    name="parent",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="replies",
                        to="comments.comment",
                        verbose_name="in reply to",
                    ),
                ),
                migrations.AlterField(
                    model_name="comment",
                    name="post",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to="news.post",
                    ),
                ),
                migrations.AlterField(
                    model_name="comment",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        help_text="The staff account that wrote this reply, if any.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX "{name}" ON "comments_comment" ("{column}")',
                )
                for column, name in FOREIGN_KEY_INDEXES.items()
            ],
        ),
        *(
            migrations.AddIndex(
                model_name="comment",
                index=models.Index(
                    condition=models.Q((f"{name}__isnull", False)),
                    fields=[name],
                    name=f"comment_{name}_idx",
                ),
            )
            for name in ("parent", "user", "moderated_by")
        ),
    ]
