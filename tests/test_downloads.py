"""Downloading papers: as good as a static file server, counted once per visitor download.

The last tests run the site for real: gunicorn with several processes and threads for the
concurrency of counting (on the database the suite runs on), and nginx with the README's
X-Accel-Redirect snippet (skipped, with the reason, without nginx).
"""

import http.client
import json
import os
import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from documents.downloads import PAPER_CSP
from documents.models import Document, DownloadDay
from tests import servers
from tests.factories import make_document, make_staff, pdf_bytes

pytestmark = pytest.mark.django_db

SIZE_PADDING = 20_000  # a paper of about 20 KB, so ranges have room


@pytest.fixture
def paper():
    return make_document(
        title="Recovery: the Business Case", content=pdf_bytes(padding=SIZE_PADDING)
    )


def content_of(document: Document) -> bytes:
    with document.file.open("rb") as file:
        return file.read()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def downloads_of(document: Document) -> int:
    document.refresh_from_db()
    return document.download_count


def get(client, document, **headers):
    return client.get(document.get_download_url(), headers=headers)


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


# --- Content-Disposition ----------------------------------------------------------------------


def test_a_non_ascii_title_gets_an_rfc_6266_filename_star(client):
    # Django's content_disposition_header: the exact name, percent-encoded UTF-8 (the
    # hand-made ASCII `filename=` look-alike before it is gone with the transliteration).
    document = make_document(title="Co-production – Sharing Our Experiences à Café")

    disposition = get(client, document)["Content-Disposition"]

    assert disposition == (
        "attachment; filename*=utf-8''Co-production%20%E2%80%93%20Sharing%20Our%20Experiences%20"
        "%C3%A0%20Caf%C3%A9.pdf"
    )


def test_quotes_and_newlines_in_a_title_cannot_inject_headers(client):
    document = make_document(title='Evil "name"\r\nX-Injected: yes/../../etc')

    response = get(client, document)

    assert (
        response["Content-Disposition"]
        == 'attachment; filename="Evil name X-Injected yes .. .. etc.pdf"'
    )
    assert "X-Injected" not in {key for key, _ in response.items()}


@pytest.mark.parametrize(
    "title",
    [
        "Plain",
        "Ünïcödé “quoted” ‘single’ — dash…",
        "回復への道",
        "Straße Œuvre",
        'back\\slash "quote"',
        "Emoji 📄 paper",
    ],
)
def test_the_browser_is_given_the_file_name_exactly(client, title):
    document = make_document(title=title)

    kind, _, name = get(client, document)["Content-Disposition"].partition("; ")

    assert kind == "attachment"
    if name.startswith("filename*="):
        assert unquote(name.removeprefix("filename*=utf-8''")) == document.download_filename
    else:
        assert name == f'filename="{document.download_filename}"'


def test_filename_star_is_percent_encoded_so_nothing_ends_the_header(client):
    document = make_document(title='a\r\nb"c;d=é')

    disposition = get(client, document)["Content-Disposition"]

    assert "\r" not in disposition and "\n" not in disposition
    assert disposition == "attachment; filename*=utf-8''a%20b%20c%3Bd%3D%C3%A9.pdf"


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


# --- Who may download -------------------------------------------------------------------------


@pytest.fixture
def staff_only():
    document = make_document(title="Internal", name="internal.pdf")
    document.visibility = Document.Visibility.STAFF
    document.save()
    return document


def test_staff_only_paper_is_404_for_anyone_else_however_asked(client, staff_only):
    url = staff_only.get_download_url()

    assert client.get(url).status_code == 404
    assert client.head(url).status_code == 404
    assert client.get(url, headers={"Range": "bytes=0-9"}).status_code == 404
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 404
    assert downloads_of(staff_only) == 0


def test_staff_download_staff_only_papers_privately(client, staff_only, django_user_model):
    client.force_login(make_staff(django_user_model, "Editors"))

    response = get(client, staff_only)

    assert response.status_code == 200
    assert body(response) == content_of(staff_only)
    assert response["Cache-Control"] == "private, no-cache"


def test_unknown_paper_is_404(client):
    assert client.get(reverse("documents:download", kwargs={"pk": 999})).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "../{pk}/download/",
        "{pk}/../{pk}/download/",
        "{pk}/download/../../../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd/download/",
        "{pk}%2F..%2F..%2Fsettings.py/download/",
        "-{pk}/download/",
        "{pk}.0/download/",
        "%2e%2e/{pk}/download/",
    ],
)
def test_paths_that_are_not_a_paper_id_are_404(client, paper, path):
    url = reverse("documents:library") + path.format(pk=paper.pk)

    assert client.get(url).status_code == 404
    assert downloads_of(paper) == 0


@pytest.mark.parametrize("serve_with", ["django", "x-accel-redirect", "x-sendfile"])
def test_a_stored_name_leaving_media_root_is_refused(client, paper, settings, serve_with):
    settings.DOCUMENTS_SERVE_WITH = serve_with
    Document.objects.filter(pk=paper.pk).update(file="../../../etc/passwd")

    response = get(client, paper)

    assert response.status_code == 400
    assert "X-Accel-Redirect" not in response and "X-Sendfile" not in response
    assert downloads_of(paper) == 0


def test_a_missing_file_is_404_and_not_counted(client, paper):
    os.remove(paper.file.path)

    assert get(client, paper).status_code == 404
    assert downloads_of(paper) == 0


# --- Inline -----------------------------------------------------------------------------------


def test_inline_mode_opens_pdfs_in_the_browser_under_a_sandbox(client, paper, settings):
    settings.DOCUMENTS_INLINE = True

    response = get(client, paper)

    assert response["Content-Disposition"] == 'inline; filename="Recovery the Business Case.pdf"'
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_inline_mode_still_downloads_other_formats(client, paper, settings):
    settings.DOCUMENTS_INLINE = True
    paper.content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    paper.save()

    assert get(client, paper)["Content-Disposition"].startswith("attachment;")


# --- Handing the bytes to the web server ------------------------------------------------------


@pytest.fixture
def accented_paper():
    return make_document(title="Café paper", name="café paper.pdf")


def test_x_accel_redirect_hands_the_file_to_nginx_with_our_headers(
    client, accented_paper, settings
):
    settings.DOCUMENTS_SERVE_WITH = "x-accel-redirect"
    settings.DOCUMENTS_ACCEL_PREFIX = "/protected-media/"
    assert accented_paper.file.name == "documents/café_paper.pdf"

    response = get(client, accented_paper)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/documents/caf%C3%A9_paper.pdf"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Caf%C3%A9%20paper.pdf"
    assert response["ETag"] and response["Last-Modified"]
    assert response["Cache-Control"] == "private, no-cache"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Accept-Ranges" not in response  # nginx adds its own
    assert downloads_of(accented_paper) == 1


def test_x_accel_redirect_leaves_ranges_to_nginx_but_counts_as_we_do(client, paper, settings):
    settings.DOCUMENTS_SERVE_WITH = "x-accel-redirect"

    first = get(client, paper, Range="bytes=0-99")
    later = get(client, paper, Range="bytes=100-199")
    head = client.head(paper.get_download_url())

    for response in (first, later, head):
        assert response.status_code == 200
        assert response["X-Accel-Redirect"].endswith("documents/paper.pdf")
        assert "Content-Range" not in response
    assert downloads_of(paper) == 1


def test_x_accel_redirect_answers_304_and_416_itself(client, paper, settings):
    settings.DOCUMENTS_SERVE_WITH = "x-accel-redirect"
    etag = get(client, paper)["ETag"]

    not_modified = get(client, paper, **{"If-None-Match": etag})
    past_the_end = get(client, paper, Range=f"bytes={paper.size}-")

    assert not_modified.status_code == 304 and "X-Accel-Redirect" not in not_modified
    assert past_the_end.status_code == 416 and "X-Accel-Redirect" not in past_the_end
    assert downloads_of(paper) == 1


def test_x_accel_redirect_never_for_a_paper_the_visitor_may_not_have(client, staff_only, settings):
    settings.DOCUMENTS_SERVE_WITH = "x-accel-redirect"

    response = get(client, staff_only)

    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_x_sendfile_gives_the_absolute_path(client, accented_paper, settings):
    settings.DOCUMENTS_SERVE_WITH = "x-sendfile"

    response = get(client, accented_paper)

    assert response.status_code == 200
    assert response.content == b""
    # Header values are bytes on the wire: these are the path's own UTF-8 bytes.
    assert response["X-Sendfile"].encode("latin-1") == os.fsencode(accented_paper.file.path)
    assert Path(accented_paper.file.path).is_absolute()
    assert response["Content-Disposition"].startswith("attachment;")
    assert downloads_of(accented_paper) == 1


def test_an_unknown_serve_with_fails_loudly(client, paper, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.DOCUMENTS_SERVE_WITH = "nginx"

    with pytest.raises(ImproperlyConfigured, match="DOCUMENTS_SERVE_WITH"):
        get(client, paper)


# --- For real: gunicorn's processes and threads, and nginx ------------------------------------


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A throw-away database on the engine the suite runs on: SQLite, or PostgreSQL's server."""
    suite = os.environ.get("DATABASE_URL", "")
    if not suite.startswith(("postgres://", "postgresql://", "pgsql://")):
        yield f"sqlite:///{tmp_path_factory.mktemp('site') / 'site.sqlite3'}"
        return
    import psycopg

    name = f"imroc_downloads_{os.getpid()}"
    parts = urlsplit(suite)
    server = parts._replace(scheme="postgresql", path="/postgres", query="").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield parts._replace(path=f"/{name}").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def real_site(tmp_path_factory, database_url):
    """A migrated site with papers on disk, not the test database: servers use it for real."""
    folder = tmp_path_factory.mktemp("downloads")
    env = servers.site_environment(folder, database_url)
    files = {}
    for key, padding in (("busy", 30_000), ("proxied", 20_000), ("internal", 0)):
        files[key] = folder / f"{key} paper.pdf"
        files[key].write_bytes(pdf_bytes(title=key, padding=padding))
    papers = servers.prepare_site(
        env,
        {
            "busy": ("A busy paper", files["busy"]),
            "proxied": ("Café – Sharing Our Experiences", files["proxied"]),
            "internal": ("Internal", files["internal"], "staff"),
        },
    )
    for key, paper in papers.items():
        paper["content"] = files[key].read_bytes()
    return {"env": env, "papers": papers, "folder": folder}


_COUNTS = """
import json, sys
import django
django.setup()
from django.db.models import Sum
from documents.models import Document
document = Document.objects.get(pk=int(sys.argv[1]))
days = document.download_days.aggregate(total=Sum("count"))["total"] or 0
print(json.dumps([document.download_count, days]))
"""


def counts(site, key) -> list[int]:
    """[download_count, sum of its DownloadDay counts] as the real site's database holds them."""
    paper_id = str(site["papers"][key]["id"])
    return json.loads(servers.manage(site["env"], "-c", _COUNTS, paper_id).stdout)


def request(port, path, method="GET", **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response, content


def test_concurrent_downloads_lose_no_count(real_site):
    """20 visitors × 5 downloads, each also reading a later range and a HEAD, through gunicorn's
    2 processes × 8 threads at once: exactly 100 downloads, also in the day's row."""
    paper = real_site["papers"]["busy"]
    process, port = servers.start_gunicorn(real_site["env"], workers=2, threads=8)
    failures = []
    start = threading.Barrier(20)

    def visitor():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start.wait()
        for _ in range(5):
            for method, headers in (
                ("GET", {}),
                ("GET", {"Range": "bytes=1000-"}),
                ("HEAD", {}),
            ):
                connection.request(method, paper["url"], headers=headers)
                response = connection.getresponse()
                content = response.read()
                expected = {200: paper["content"], 206: paper["content"][1000:]}
                if response.status not in expected or (
                    method == "GET" and content != expected[response.status]
                ):
                    failures.append((method, headers, response.status))
        connection.close()

    try:
        visitors = [threading.Thread(target=visitor) for _ in range(20)]
        for thread in visitors:
            thread.start()
        for thread in visitors:
            thread.join()
    finally:
        servers.stop(process)

    assert failures == []
    assert counts(real_site, "busy") == [100, 100]


@pytest.fixture(scope="module")
def nginx_site(real_site):
    """nginx configured with the README's snippet, before gunicorn with x-accel-redirect."""
    if not servers.NGINX:
        pytest.skip(
            "nginx is not installed (apt-get install nginx): the README's snippet is untested"
        )
    env = {**real_site["env"], "DOCUMENTS_SERVE_WITH": "x-accel-redirect"}
    app, app_port = servers.start_gunicorn(env, workers=1, threads=2)
    proxy_port = servers.free_port()
    config = servers.nginx_config(
        real_site["folder"],
        media_root=Path(env["MEDIA_ROOT"]),
        proxy_port=proxy_port,
        app_port=app_port,
        static_port=None,
    )
    try:
        nginx = servers.start_nginx(config, proxy_port)
    except Exception:
        servers.stop(app)
        raise
    yield proxy_port
    servers.stop(nginx, app)


def test_nginx_sends_the_paper_with_the_views_headers(nginx_site, real_site):
    paper = real_site["papers"]["proxied"]

    response, content = request(nginx_site, paper["url"], **{"User-Agent": "Mozilla/5.0"})

    assert response.status == 200
    assert response.getheader("Server").startswith("nginx")
    assert content == paper["content"]
    assert response.getheader("Content-Length") == str(len(paper["content"]))
    assert response.getheader("Content-Type") == "application/pdf"
    assert response.getheader("Content-Disposition") == (
        "attachment; filename*=utf-8''Caf%C3%A9%20%E2%80%93%20Sharing%20Our%20Experiences.pdf"
    )
    assert response.getheader("Cache-Control") == "private, no-cache"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Content-Security-Policy") == PAPER_CSP
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Accept-Ranges") == "bytes"
    assert len(response.headers.get_all("ETag")) == 1
    assert response.getheader("ETag").startswith(f'"{len(paper["content"]):x}-')
    assert "X-Accel-Redirect" not in response.headers


def test_nginx_ranges_304_and_counting_agree_with_the_view(nginx_site, real_site):
    paper = real_site["papers"]["proxied"]
    before = counts(real_site, "proxied")[0]
    whole, _ = request(nginx_site, paper["url"])
    etag, last_modified = whole.getheader("ETag"), whole.getheader("Last-Modified")

    first, first_bytes = request(nginx_site, paper["url"], Range="bytes=0-99")
    later, later_bytes = request(nginx_site, paper["url"], Range="bytes=-100")
    resumed, resumed_bytes = request(
        nginx_site, paper["url"], Range="bytes=100-199", **{"If-Range": etag}
    )
    changed, changed_bytes = request(
        nginx_site, paper["url"], Range="bytes=100-199", **{"If-Range": '"older"'}
    )
    by_date, _ = request(nginx_site, paper["url"], Range="bytes=5-9", **{"If-Range": last_modified})
    not_modified, _ = request(nginx_site, paper["url"], **{"If-None-Match": etag})
    not_modified_since, _ = request(
        nginx_site, paper["url"], **{"If-Modified-Since": last_modified}
    )
    past_the_end, _ = request(nginx_site, paper["url"], Range=f"bytes={len(paper['content'])}-")
    several, several_bytes = request(nginx_site, paper["url"], Range="bytes=0-1,5-6")
    head, _ = request(nginx_site, paper["url"], method="HEAD")

    assert (first.status, first_bytes) == (206, paper["content"][:100])
    assert first.getheader("Content-Range") == f"bytes 0-99/{len(paper['content'])}"
    assert (later.status, later_bytes) == (206, paper["content"][-100:])
    assert (resumed.status, resumed_bytes) == (206, paper["content"][100:200])
    assert (changed.status, changed_bytes) == (200, paper["content"])
    assert by_date.status == 206
    assert not_modified.status == 304 and not_modified.getheader("ETag") == etag
    assert not_modified_since.status == 304
    assert past_the_end.status == 416
    assert past_the_end.getheader("Content-Range") == f"bytes */{len(paper['content'])}"
    assert (several.status, several_bytes) == (200, paper["content"])
    assert head.status == 200 and head.getheader("Content-Length") == str(len(paper["content"]))
    # The whole file, the range from 0, the changed file and the several ranges.
    assert counts(real_site, "proxied")[0] - before == 4


def test_nginx_never_serves_protected_media_by_url(nginx_site, real_site):
    for paper in real_site["papers"].values():
        response, _ = request(nginx_site, f"/protected-media/{paper['name']}")
        assert response.status == 404


def test_nginx_staff_only_paper_is_404(nginx_site, real_site):
    response, content = request(nginx_site, real_site["papers"]["internal"]["url"])

    assert response.status == 404
    assert real_site["papers"]["internal"]["content"] not in content


def test_a_range_with_an_absurdly_long_number_gets_the_whole_file(client, paper):
    response = get(client, paper, Range=f"bytes={'9' * 5000}-")
    assert response.status_code == 200
    assert body(response) == content_of(paper)


@pytest.mark.parametrize("title", ["Download", "Preview"])
def test_a_paper_titled_like_one_of_its_addresses_keeps_its_own_page(client, title):
    document = make_document(title=title, name="odd.pdf")
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
