"""Which requests count as a visitor's download: once per download, not HEAD, later ranges
or robots, and per day; and deferred counting through Redis, added to the database in batches
that lose nothing."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents import counting, deferred_counts
from documents.checks import check_download_settings
from documents.models import DownloadDay
from tests.documents.conftest import (
    REDIS_URL,
    body,
    content_of,
    download,
    downloads_of,
    get,
)
from tests.factories import make_document

pytestmark = pytest.mark.django_db


# --- Which requests count ---------------------------------------------------------------------


def test_each_download_is_counted_and_head_is_not(client, paper):
    for _ in range(3):
        body(get(client, paper))
    client.head(paper.get_download_url())

    assert downloads_of(paper) == 3


def test_a_viewer_reading_in_ranges_counts_once(client, paper):
    """A PDF viewer or a resumed download: the range from byte 0 counts, the rest do not."""
    body(get(client, paper, Range="bytes=0-"))
    body(get(client, paper, Range="bytes=0-1023"))
    for header in ("bytes=1024-4095", "bytes=4096-", "bytes=-500", "bytes=1-1"):
        body(get(client, paper, Range=header))

    assert downloads_of(paper) == 2


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "curl/8.5.0",
        "Wget/1.21.3",
        "LinkChecker/10.2",
        "facebookexternalhit/1.1",
        "python-requests/2.32",
    ],
)
def test_robots_and_link_checkers_are_served_but_not_counted(client, paper, user_agent):
    response = get(client, paper, **{"User-Agent": user_agent})

    assert response.status_code == 200
    assert body(response) == content_of(paper)
    assert downloads_of(paper) == 0


def test_a_browser_is_counted(client, paper):
    browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131"
    body(get(client, paper, **{"User-Agent": browser}))

    assert downloads_of(paper) == 1


def test_crawler_markers_come_from_settings(client, paper, settings):
    settings.DOCUMENTS_CRAWLER_USER_AGENTS = ["OurUptimeRobot"]

    body(get(client, paper, **{"User-Agent": "ouruptimerobot/1.0"}))
    body(get(client, paper, **{"User-Agent": "curl/8.5.0"}))

    assert downloads_of(paper) == 1


def test_downloads_are_counted_per_day(client, paper):
    DownloadDay.objects.create(document=paper, day=timezone.localdate() - timedelta(days=1))
    for _ in range(2):
        body(get(client, paper))
    body(get(client, paper, Range="bytes=100-"))

    today = DownloadDay.objects.get(document=paper, day=timezone.localdate())
    assert today.count == 2
    assert DownloadDay.objects.get(document=paper, day=today.day - timedelta(days=1)).count == 0


# --- Deferred counting: one HINCRBY in Redis per download, added in batches --------------------


def test_a_deferred_download_writes_nothing_to_the_database_until_the_flush(
    client, paper, deferred
):
    with CaptureQueriesContext(connection) as queries:
        download(client, paper, times=3)
    client.head(paper.get_download_url())

    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert downloads_of(paper) == 0
    assert counting.waiting() == 3

    assert counting.flush() == 3
    assert downloads_of(paper) == 3
    assert DownloadDay.objects.get(document=paper, day=timezone.localdate()).count == 3
    assert counting.waiting() == 0
    assert counting.flush() == 0  # nothing is added twice


def test_a_flush_that_died_halfway_is_finished_by_the_next_and_nothing_is_lost(
    client, paper, deferred
):
    download(client, paper, times=2)
    deferred.rename(
        deferred_counts.PENDING, deferred_counts.FLUSHING
    )  # where a dying flush would stop
    download(client, paper, times=5)  # downloads go on meanwhile

    assert counting.flush() == 7
    assert downloads_of(paper) == 7


def test_one_flush_at_a_time_whichever_machine_starts_it(client, paper, deferred):
    download(client, paper, times=4)
    deferred.set(deferred_counts.LOCK, "another machine's flush", ex=60)

    assert counting.flush() == 0
    assert downloads_of(paper) == 0
    deferred.delete(deferred_counts.LOCK)
    call_command("flush_download_counts", stdout=io.StringIO())
    assert downloads_of(paper) == 4


@pytest.mark.parametrize("counted_in", ["spool", "deferred"])
def test_downloads_of_a_paper_deleted_before_they_are_added_are_dropped(
    client, paper, counted_in, request
):
    request.getfixturevalue(counted_in)
    other = make_document(title="Another paper")
    download(client, paper, times=2)
    download(client, other)
    paper.delete()

    assert counting.flush() == 3
    assert downloads_of(other) == 1


def test_a_day_is_kept_when_the_flush_runs_the_next_day(client, paper, deferred):
    download(client, paper, times=2)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        counting.flush()

    assert DownloadDay.objects.get(document=paper).day == timezone.localdate()


def test_deferred_counting_without_redis_is_refused_by_name(settings):
    settings.DOCUMENTS_COUNT_DOWNLOADS = "deferred"
    settings.REDIS_URL = ""

    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        counting.mode()


@pytest.mark.parametrize(
    ("settings_given", "expected"),
    [
        ({"DOCUMENTS_COUNT_DOWNLOADS": "later"}, ["documents.E001"]),
        ({"DOCUMENTS_S3_DOWNLOADS": "teleport"}, ["documents.E001"]),
        ({"DOCUMENTS_COUNT_DOWNLOADS": "deferred", "REDIS_URL": ""}, ["documents.E002"]),
        (
            {"AWS_STORAGE_BUCKET_NAME": "papers", "DOCUMENTS_SERVE_WITH": "x-accel-redirect"},
            ["documents.W001"],
        ),
        ({"DOCUMENTS_COUNT_DOWNLOADS": "deferred", "REDIS_URL": REDIS_URL}, []),
    ],
)
def test_the_system_checks_name_a_wrong_download_setting(settings, settings_given, expected):
    for name, value in settings_given.items():
        setattr(settings, name, value)

    assert [problem.id for problem in check_download_settings(None)] == expected
