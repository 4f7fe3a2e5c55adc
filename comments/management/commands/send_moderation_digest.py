from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.utils import timezone

from comments.notifications import send_digest

# The claim names its day; it need only outlast that day, whatever hour the crons run.
DIGEST_CLAIM_SECONDS = 25 * 60 * 60


class Command(BaseCommand):
    help = (
        "Email each moderator who chose the daily digest the replies waiting for moderation. "
        "Run it once a day (see README); nothing is sent when no reply waits."
    )

    def handle(self, *args, **options):
        # On several machines (a shared cache, REDIS_URL) each one's cron may run this: the
        # first claims the day in the shared cache and the others send nothing (issue 14).
        day = f"comments:digest:{timezone.localdate().isoformat()}"
        if settings.REDIS_URL and not cache.add(day, True, timeout=DIGEST_CLAIM_SECONDS):
            self.stdout.write("Today's digest was already queued, by this or another machine.")
            return
        moderators, replies = send_digest()
        if not replies:
            self.stdout.write("No reply is waiting for moderation: no digest sent.")
        else:
            self.stdout.write(
                f"Queued a digest of {replies} waiting repl{'y' if replies == 1 else 'ies'} "
                f"for {moderators} moderator(s)."
            )
