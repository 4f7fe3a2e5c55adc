"""Downloads served for real: gunicorn with several processes and threads for the concurrency
of counting (on the database the suite runs on), and nginx with the shipped deploy/nginx/
configuration's X-Accel-Redirect (skipped, with the reason, without nginx). Slow: each starts
real servers.
"""

import http.client
import json
import threading

import pytest

from documents.downloads import PAPER_CSP
from tests import servers

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


# --- For real: gunicorn's processes and threads, and nginx ------------------------------------


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
