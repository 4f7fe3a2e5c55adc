"""The content stamp: one row, moved by every change, read for Last-Modified."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from freshness.models import ContentStamp
from freshness.stamp import mark_site_changed, site_changed_at
from news.freshness import content_last_modified

pytestmark = pytest.mark.django_db


def test_the_stamp_is_one_row_that_moves_forward():
    ContentStamp.objects.all().delete()
    assert site_changed_at() is None

    first = timezone.now() - timedelta(hours=1)
    with time_machine.travel(first, tick=False):
        mark_site_changed()
    mark_site_changed()

    assert ContentStamp.objects.count() == 1
    assert site_changed_at() > first


def test_the_stamp_reads_as_the_orm_reads_it_to_the_microsecond():
    # site_changed_at() runs the ORM's SQL written once; the value must convert the same way
    # on every database (SQLite gives text, PostgreSQL a datetime).
    moment = timezone.now().replace(microsecond=123456) - timedelta(days=3)
    with time_machine.travel(moment, tick=False):
        mark_site_changed()
    orm = ContentStamp.objects.values_list("changed_at", flat=True).get()

    assert site_changed_at() == orm == moment
    assert timezone.is_aware(site_changed_at())


def test_last_modified_is_the_stamp_when_no_post_moment_is_later():
    ContentStamp.objects.all().delete()
    assert content_last_modified() is None

    mark_site_changed()

    assert content_last_modified() == site_changed_at()
