from django.apps import AppConfig
from django.core import checks
from django.db import connections
from django.db.models.signals import post_migrate


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Papers"

    def ready(self):
        # SQLite drops a table's triggers when a migration remakes it: the papers' search
        # index gets them back after every migrate (see documents.full_text).
        from documents import full_text, search_query

        def restore(using, **kwargs):
            full_text.restore_sqlite_triggers(connections[using], search_query.PAPERS)

        post_migrate.connect(restore, sender=self, weak=False)

        # Imported here: the checks read the models' modules, which need the app registry.
        from documents import checks as documents_checks

        checks.register(documents_checks.check_download_settings)
