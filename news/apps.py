from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "News and events"

    def ready(self):
        # SQLite drops a table's triggers when a migration remakes it: the posts' search
        # index gets them back after every migrate (see documents.full_text).
        from documents import full_text
        from news.search import scoring

        def restore(using, **kwargs):
            full_text.restore_sqlite_triggers(connections[using], scoring.POST_FIELDS)

        post_migrate.connect(restore, sender=self, weak=False)
