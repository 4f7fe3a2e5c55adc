"""Delete featured images kept for post forms that were never saved (news.pending_uploads)."""

from django.core.management.base import BaseCommand

from news import pending_uploads


class Command(BaseCommand):
    help = "Delete images kept for refused post forms and abandoned for over a day."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=pending_uploads.MAX_AGE_SECONDS,
            help="Age in seconds (default: a day).",
        )

    def handle(self, *args, older_than, **options):
        deleted = pending_uploads.clear_abandoned(older_than)
        self.stdout.write(f"Deleted {deleted} abandoned image(s).")
