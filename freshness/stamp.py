"""Reading and moving the content stamp.

Coarse on purpose: any change anywhere makes every page fresh again, which keeps the rule
simple and never wrong.
"""

from datetime import datetime

from django.utils import timezone

from freshness.models import ContentStamp


def site_changed_at() -> datetime | None:
    """When public content was last saved or deleted; None before the first change."""
    return ContentStamp.objects.values_list("changed_at", flat=True).first()


def mark_site_changed(**signal_arguments) -> None:
    """Record that public content changed now (also a receiver for save and delete signals)."""
    now = timezone.now()
    if not ContentStamp.objects.filter(pk=1).update(changed_at=now):
        ContentStamp.objects.get_or_create(pk=1, defaults={"changed_at": now})
