"""The running release is part of what pages keep (freshness/release.py): an upgrade never
serves a page, a part of one or an ETag the release before it made."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from freshness import release as release_module
from freshness.release import release
from tests.factories import make_post

pytestmark = pytest.mark.django_db

LIST = reverse("news:post_list")


@pytest.fixture
def fresh_release():
    release.cache_clear()
    yield
    release.cache_clear()


def test_without_a_name_the_release_is_a_digest_of_the_code_and_templates(
    settings, fresh_release, monkeypatch
):
    settings.RELEASE = ""
    first = release()
    assert len(first) == 16 and first == release()
    files = release_module._source_files()
    names = {path.name for path in files}
    assert {"release.py", "post_list.html", "base.html"} <= names
    assert not any(".venv" in path.parts or "tests" in path.parts for path in files)

    # A template whose words an upgrade changed, at the same place: another release.
    template = next(path for path in files if path.name == "post_list.html")
    read = Path.read_bytes

    def upgraded(path):
        return read(path) + (b"<p>a new look</p>" if path == template else b"")

    monkeypatch.setattr(Path, "read_bytes", upgraded)
    release.cache_clear()
    assert release() != first


def test_a_named_release_is_used_as_it_is(settings, fresh_release):
    settings.RELEASE = "2026.12.1"
    assert release() == "2026.12.1"


def test_a_page_kept_by_one_release_is_not_served_by_the_next(client, settings, fresh_release):
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 300
    make_post(title="Open day at the Recovery College")
    settings.RELEASE = "before"
    kept = client.get(LIST)
    assert kept["ETag"].startswith('W/"before-')
    served_kept = queries_of(client)

    release.cache_clear()
    settings.RELEASE = "after"
    again = client.get(LIST, headers={"If-None-Match": kept["ETag"]})
    assert again.status_code == 200  # not "304: your copy from before the upgrade is current"
    assert again["ETag"].startswith('W/"after-')
    # Drawn anew, not the copy the release before kept: more than the kept copy's one query.
    release.cache_clear()
    settings.RELEASE = "later-still"
    assert queries_of(client) > served_kept == 1


def queries_of(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)
