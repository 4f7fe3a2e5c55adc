"""`manage.py unlock_sign_in`: lift a sign-in lockout by username, by address, or both.

django-axes' own axes_reset_username and axes_reset_ip do one each; this does either in one
command and says what it removed.
"""

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Forget failed sign-in attempts, so a locked-out username or address may sign in."

    def add_arguments(self, parser):
        parser.add_argument("--username", action="append", default=[], help="may be repeated")
        parser.add_argument("--address", action="append", default=[], help="an IP address")

    def handle(self, *args, username, address, **options):
        if not username and not address:
            raise CommandError("Name a --username or an --address to unlock.")
        removed = sum(reset(username=name) for name in username)
        removed += sum(reset(ip=ip) for ip in address)
        self.stdout.write(f"Unlocked: {removed} failed attempt record(s) removed.")
