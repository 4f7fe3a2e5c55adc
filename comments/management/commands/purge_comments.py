from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from comments.tasks import send_email


def purgeable(now):
    """Spam and trash decided more than COMMENTS_PURGE_DAYS ago: nobody will look again."""
    # Spam the rules caught on arrival has no moderation date: it was decided when sent.
    decided_at = Coalesce("moderated_at", "submitted_at")
    return (
        Comment.objects.filter(status__in=[Comment.Status.SPAM, Comment.Status.TRASH])
        .alias(decided_at=decided_at)
        .filter(decided_at__lt=now - timedelta(days=settings.COMMENTS_PURGE_DAYS))
    )


def erasable(now):
    """Replies older than COMMENTS_ERASE_IP_DAYS still holding an IP address or browser name:
    kept only as long as they help against floods and spam."""
    old = now - timedelta(days=settings.COMMENTS_ERASE_IP_DAYS)
    holding = Q(ip_address__isnull=False) | ~Q(user_agent="")
    return Comment.objects.filter(holding, submitted_at__lt=old)


def sent_emails(now):
    """Emails the task queue finished with (sent, or given up on) more than
    COMMENTS_ERASE_IP_DAYS ago: they hold only ids, but nothing needs them any more."""
    old = now - timedelta(days=settings.COMMENTS_ERASE_IP_DAYS)
    return DBTaskResult.objects.filter(
        task_path=send_email.module_path,
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=old,
    )


class Command(BaseCommand):
    help = (
        "Delete spam and trash older than COMMENTS_PURGE_DAYS; erase the IP addresses and "
        "browser names of replies older than COMMENTS_ERASE_IP_DAYS, and delete the emails the "
        "task queue finished with before then. Run it daily (see README)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done, change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        doomed = purgeable(now)
        # What is deleted needs no erasing (matters only to --dry-run's count).
        to_erase = erasable(now).exclude(pk__in=doomed.values("pk"))
        emails = sent_emails(now)
        if dry_run:
            deleted, erased, forgotten = doomed.count(), to_erase.count(), emails.count()
        else:
            deleted = doomed.delete()[1].get(Comment._meta.label, 0)
            erased = to_erase.update(ip_address=None, user_agent="")
            forgotten = emails.delete()[0]
        verb = ("Would delete", "Would erase") if dry_run else ("Deleted", "Erased")
        self.stdout.write(
            f"{verb[0]} {deleted} spam or trashed repl{'y' if deleted == 1 else 'ies'} "
            f"decided more than {settings.COMMENTS_PURGE_DAYS} days ago."
        )
        self.stdout.write(
            f"{verb[1]} the IP address and browser name of {erased} "
            f"repl{'y' if erased == 1 else 'ies'} older than "
            f"{settings.COMMENTS_ERASE_IP_DAYS} days."
        )
        self.stdout.write(
            f"{verb[0]} {forgotten} email{'' if forgotten == 1 else 's'} from the task queue "
            f"sent or given up more than {settings.COMMENTS_ERASE_IP_DAYS} days ago."
        )
