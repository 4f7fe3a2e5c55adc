"""Add the downloads counted in Redis to the database (DOCUMENTS_COUNT_DOWNLOADS=deferred)."""

from django.core.management.base import BaseCommand

from documents import counting


class Command(BaseCommand):
    help = (
        "Add the downloads counted in Redis to each paper's total and daily counts. Run it "
        "every minute (cron or a systemd timer) when DOCUMENTS_COUNT_DOWNLOADS=deferred; "
        "running it on several machines at once is safe (one flush at a time)."
    )

    def handle(self, *args, **options):
        if counting.mode() == "direct":
            self.stdout.write(
                "Downloads are counted directly (DOCUMENTS_COUNT_DOWNLOADS): none wait."
            )
            return
        added = counting.flush()
        self.stdout.write(f"Added {added} download{'' if added == 1 else 's'} to the database.")
