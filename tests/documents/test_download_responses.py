"""Downloading papers as a static file server would: the whole file, byte ranges, conditional
requests and If-Range (RFC 9110)."""

from datetime import timedelta

import pytest
from django.utils.http import http_date

from documents.downloads import PAPER_CSP
from documents.models import Document
from tests.documents.conftest import (
    body,
    content_of,
    downloads_of,
    get,
)
from tests.factories import make_document, pdf_bytes

pytestmark = pytest.mark.django_db


# --- The whole file ---------------------------------------------------------------------------


def test_download_serves_the_file_with_the_right_headers(client, paper):
    paper.sha256 = "ab" * 32
    paper.save()

    response = get(client, paper)

    assert response.status_code == 200
    assert body(response) == content_of(paper)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(paper.size)
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] == f'"{"ab" * 32}"'
    assert response["Last-Modified"] == http_date(paper.file_updated_at.timestamp())
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Content-Security-Policy"] == PAPER_CSP
    assert response["Content-Disposition"] == (
        'attachment; filename="Recovery the Business Case.pdf"'
    )


def test_the_file_is_streamed_in_64_kb_chunks_never_read_whole(client):
    document = make_document(content=pdf_bytes(padding=300_000))

    response = get(client, document)
    chunks = list(response.streaming_content)

    assert max(map(len, chunks)) == 64 * 1024
    assert b"".join(chunks) == content_of(document)


def test_content_type_comes_from_the_paper(client, paper):
    paper.content_type = "application/vnd.oasis.opendocument.text"
    paper.save()

    assert get(client, paper)["Content-Type"] == "application/vnd.oasis.opendocument.text"


def test_head_gives_the_same_headers_without_body_or_count(client, paper):
    full = get(client, paper)
    head = client.head(paper.get_download_url())

    assert head.status_code == 200
    assert head.content == b""
    assert dict(head.items()) == dict(full.items())
    assert downloads_of(paper) == 1


def test_head_ignores_a_range(client, paper):
    head = client.head(paper.get_download_url(), headers={"Range": "bytes=0-9"})

    assert head.status_code == 200
    assert head["Content-Length"] == str(paper.size)
    assert "Content-Range" not in head


# --- Byte ranges ------------------------------------------------------------------------------


# Range header, first byte and last byte sent, each a function of the file's size.
SATISFIABLE = {
    "bytes=0-0": ("bytes=0-0", lambda size: 0, lambda size: 0),
    "bytes=0-99": ("bytes=0-99", lambda size: 0, lambda size: 99),
    "bytes=100-199": ("bytes=100-199", lambda size: 100, lambda size: 199),
    "bytes=100-": ("bytes=100-", lambda size: 100, lambda size: size - 1),
    "suffix": ("bytes=-100", lambda size: size - 100, lambda size: size - 1),
    "suffix of 1": ("bytes=-1", lambda size: size - 1, lambda size: size - 1),
    "suffix longer than the file": (
        "bytes=-{}",
        lambda size: 0,
        lambda size: size - 1,
        lambda size: size + 500,
    ),
    "end past the file is clamped": (
        "bytes=500-{}",
        lambda size: 500,
        lambda size: size - 1,
        lambda size: size + 1000,
    ),
    "last byte": ("bytes={}-", lambda size: size - 1, lambda size: size - 1, lambda s: s - 1),
    "exactly all": ("bytes=0-{}", lambda size: 0, lambda size: size - 1, lambda s: s - 1),
    "unit in capitals, spaces": ("BYTES = 10-19", lambda size: 10, lambda size: 19),
    "empty list element": ("bytes=10-19,", lambda size: 10, lambda size: 19),
}


@pytest.mark.parametrize("case", SATISFIABLE.values(), ids=SATISFIABLE.keys())
def test_a_single_range_gets_206_with_exactly_those_bytes(client, paper, case):
    template, first, last, *number = case
    size, content = paper.size, content_of(paper)
    first, last = first(size), last(size)
    header = template.format(*(n(size) for n in number))

    response = get(client, paper, Range=header)

    assert response.status_code == 206
    assert body(response) == content[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"] and response["Content-Disposition"]


UNSATISFIABLE = ["bytes={size}-", "bytes={size}-{later}", "bytes={later}-", "bytes=-0"]


@pytest.mark.parametrize("header", UNSATISFIABLE)
def test_a_range_past_the_end_gets_416_and_is_not_counted(client, paper, header):
    header = header.format(size=paper.size, later=paper.size + 1000)

    response = get(client, paper, Range=header)

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{paper.size}"
    assert response.content == b""
    assert downloads_of(paper) == 0


IGNORED = [
    "bytes=abc",
    "bytes=-",
    "bytes=20-10",  # last before first
    "bytes=0-1,5-6",  # several ranges: we send the whole file
    "bytes=0-1, 4-",
    "items=0-99",  # a unit we do not know
    "bytes 0-99",
    "bytes=0x10-",
    "bytes=\u0661-\u0662",  # digits, but not ASCII ones
    "bytes=1.5-3",
]


@pytest.mark.parametrize("header", IGNORED)
def test_a_malformed_or_multiple_range_is_ignored_and_the_whole_file_sent(client, paper, header):
    response = get(client, paper, Range=header)

    assert response.status_code == 200
    assert body(response) == content_of(paper)
    assert "Content-Range" not in response
    assert downloads_of(paper) == 1  # a whole file sent is a download


def test_an_empty_file_has_no_satisfiable_range(client):
    document = make_document(content=pdf_bytes())
    Document.objects.filter(pk=document.pk).update(size=0)

    assert get(client, document, Range="bytes=0-").status_code == 416
    assert get(client, document, Range="bytes=-5").status_code == 416


# --- Conditional requests ---------------------------------------------------------------------


def test_etag_is_the_sha256_when_known_else_size_and_change_time(paper, client):
    without_hash = get(client, paper)["ETag"]
    microseconds = int(paper.file_updated_at.timestamp() * 1_000_000)
    assert without_hash == f'"{paper.size:x}-{microseconds:x}"'

    paper.file_updated_at += timedelta(seconds=1)
    paper.save()
    assert get(client, paper)["ETag"] != without_hash


@pytest.mark.parametrize("sent", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_a_matching_if_none_match_gets_304_not_counted(client, paper, sent):
    etag = get(client, paper)["ETag"]

    response = get(client, paper, **{"If-None-Match": sent.format(etag=etag)})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "private, no-cache"
    assert downloads_of(paper) == 1  # only the first GET


def test_an_old_etag_gets_the_new_file(client, paper):
    response = get(client, paper, **{"If-None-Match": '"an-earlier-version"'})

    assert response.status_code == 200
    assert body(response) == content_of(paper)
    assert downloads_of(paper) == 1


def test_if_modified_since_gets_304_unless_the_file_changed_since(client, paper):
    last_modified = get(client, paper)["Last-Modified"]
    earlier = http_date(paper.file_updated_at.timestamp() - 60)

    assert get(client, paper, **{"If-Modified-Since": last_modified}).status_code == 304
    assert get(client, paper, **{"If-Modified-Since": earlier}).status_code == 200
    assert downloads_of(paper) == 2


def test_if_none_match_wins_over_if_modified_since(client, paper):
    last_modified = get(client, paper)["Last-Modified"]

    response = get(
        client, paper, **{"If-None-Match": '"other"', "If-Modified-Since": last_modified}
    )

    assert response.status_code == 200


def test_a_failed_if_match_gets_412(client, paper):
    response = get(client, paper, **{"If-Match": '"other"'})

    assert response.status_code == 412
    assert downloads_of(paper) == 0


def test_head_answers_conditional_requests_too(client, paper):
    etag = get(client, paper)["ETag"]

    head = client.head(paper.get_download_url(), headers={"If-None-Match": etag})

    assert head.status_code == 304


# --- If-Range ---------------------------------------------------------------------------------


def test_if_range_with_the_current_etag_or_date_gets_the_range(client, paper):
    first = get(client, paper)

    for validator in (first["ETag"], first["Last-Modified"]):
        response = get(client, paper, Range="bytes=100-199", **{"If-Range": validator})
        assert response.status_code == 206
        assert body(response) == content_of(paper)[100:200]


@pytest.mark.parametrize(
    "validator",
    ['"an-earlier-version"', "W/{etag}", "{earlier}", "{later}", "not a date"],
)
def test_if_range_with_another_validator_gets_the_whole_file_and_counts(client, paper, validator):
    etag = get(client, paper)["ETag"]
    stamp = paper.file_updated_at.timestamp()
    validator = validator.format(
        etag=etag, earlier=http_date(stamp - 60), later=http_date(stamp + 60)
    )

    response = get(client, paper, Range="bytes=100-199", **{"If-Range": validator})

    assert response.status_code == 200
    assert body(response) == content_of(paper)
    assert downloads_of(paper) == 2  # the file changed: this is a new download


# --- For real: gunicorn's processes and threads, and nginx ------------------------------------


def test_a_range_with_an_absurdly_long_number_gets_the_whole_file(client, paper):
    response = get(client, paper, Range=f"bytes={'9' * 5000}-")
    assert response.status_code == 200
    assert body(response) == content_of(paper)
