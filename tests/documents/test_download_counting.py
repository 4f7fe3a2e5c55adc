"""Which requests count as a visitor's download: once per download, not HEAD, later ranges
or robots, and per day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from documents.models import DownloadDay
from tests.documents.conftest import (
    body,
    content_of,
    downloads_of,
    get,
)

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
