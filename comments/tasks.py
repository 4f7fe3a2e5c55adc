"""Sending mail outside the request, so a reply never waits for, or fails with, the mail server."""

import logging
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger("comments.mail")

# Minutes to wait before each new try after a failure: five tries in all over about 2.5 hours,
# long enough to ride out a mail server restart, short enough that a "please moderate" is
# still worth reading when it arrives.
RETRY_DELAYS_MINUTES = (1, 5, 30, 120)


@task
def send_email(*, subject: str, body: str, to: list[str], html: str = "", attempt: int = 1) -> bool:
    """Send one email; on failure log it and queue a later try. Returns whether it went."""
    message = EmailMultiAlternatives(subject, body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        logger.exception("Could not send %r to %s (try %d).", subject, ", ".join(to), attempt)
        _retry_later(subject=subject, body=body, to=to, html=html, attempt=attempt)
        return False
    return True


def _retry_later(*, attempt: int, **email) -> None:
    if attempt > len(RETRY_DELAYS_MINUTES):
        logger.error("Gave up sending %r after %d tries.", email["subject"], attempt)
        return
    if not send_email.get_backend().supports_defer:
        # The immediate backend (development) cannot wait: trying again now would fail again.
        logger.error(
            "Gave up sending %r: the task backend cannot retry later "
            "(set TASKS_QUEUE=database and run the task worker).",
            email["subject"],
        )
        return
    run_after = timezone.now() + timedelta(minutes=RETRY_DELAYS_MINUTES[attempt - 1])
    try:
        send_email.using(run_after=run_after).enqueue(**email, attempt=attempt + 1)
    except Exception:
        logger.exception("Could not queue another try at sending %r.", email["subject"])


def queue_email(*, subject: str, body: str, to: list[str], html: str = "") -> None:
    """Hand an email to the task queue. Never raises: mail must not break what called it."""
    # Subjects are one header line; a title or name with a newline must not break the email.
    subject = " ".join(subject.split())
    try:
        send_email.enqueue(subject=subject, body=body, to=list(to), html=html)
    except Exception:
        logger.exception("Could not queue %r for %s.", subject, ", ".join(to))
