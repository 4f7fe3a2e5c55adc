"""Add the downloads counted in the spool or Redis to the database (DOCUMENTS_COUNT_DOWNLOADS
spool or deferred)."""

from django.core.management.base import BaseCommand

from documents import counting


class Command(BaseCommand):
    help = (
        "Add the downloads waiting to each paper's total and daily counts: this machine's "
        "spool (DOCUMENTS_COUNT_DOWNLOADS=spool, which also folds itself every minute while "
        "downloads come) or Redis (deferred: run it every minute by cron or a systemd timer). "
        "Running it on several machines at once is safe (one flush at a time)."
    )

    def handle(self, *args, **options):
        if counting.mode() == "direct":
            self.stdout.write(
                "Downloads are counted directly (DOCUMENTS_COUNT_DOWNLOADS): none wait."
            )
            return
        added = counting.flush()
        self.stdout.write(f"Added {added} download{'' if added == 1 else 's'} to the database.")
