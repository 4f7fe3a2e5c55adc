from django.core.management.base import BaseCommand

from comments.notifications import send_digest


class Command(BaseCommand):
    help = (
        "Email each moderator who chose the daily digest the replies waiting for moderation. "
        "Run it once a day (see README); nothing is sent when no reply waits."
    )

    def handle(self, *args, **options):
        moderators, replies = send_digest()
        if not replies:
            self.stdout.write("No reply is waiting for moderation: no digest sent.")
        else:
            self.stdout.write(
                f"Queued a digest of {replies} waiting repl{'y' if replies == 1 else 'ies'} "
                f"for {moderators} moderator(s)."
            )
