"""Export or erase the replies someone left, found by their email address (UK GDPR requests)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from comments.models import replies
from comments.personal_data import comments_by, erase_personal_data, export_personal_data


class Command(BaseCommand):
    help = (
        "export EMAIL prints, as JSON, every reply given with that address; "
        "erase EMAIL deletes them (others' answers to them stay)."
    )
    # Where the confirmation is read from: a test or a script can hand in its own answer.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email", help="The address the person replied with (any case).")
        parser.add_argument("--yes", action="store_true", help="Erase without asking first.")

    def handle(self, *args, action, email, yes, **options):
        if action == "export":
            data = export_personal_data(email)
            self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, indent=2))
            return
        count = comments_by(email).count()
        if not count:
            self.stdout.write(f"No comments were given with {email}: nothing to erase.")
            return
        if not yes and not self._confirmed(count, email, options.get("stdin") or sys.stdin):
            raise CommandError("Nothing erased.")
        erased = erase_personal_data(email)
        self.stdout.write(self.style.SUCCESS(f"Erased {replies(erased)} given with {email}."))

    def _confirmed(self, count, email, stdin) -> bool:
        self.stdout.write(
            f"{replies(count)} given with {email} will be deleted for good. "
            "Type 'yes' to erase them: ",
            ending="",
        )
        self.stdout.flush()
        return stdin.readline().strip().lower() == "yes"
