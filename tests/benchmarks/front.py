"""Benchmark: the site through its shipped front (deploy/nginx/) beside nginx serving static
copies of the same bytes, in one run.

    .venv/bin/python tests/benchmarks/front.py [--posts 1000] [--replies 20] [--seconds 3]

In a temporary folder: an SQLite database with --posts posts, --replies approved replies on
each, and a paper of about 384,000 bytes; gunicorn (2 sync workers, DEBUG off) with
DOCUMENTS_SERVE_WITH=x-accel-redirect; nginx with the shipped configuration in front of it,
and a plain nginx server of static copies (the page's bytes and headers, the paper's file).
wrk (apt-get install wrk) loads each case for --seconds on 16 connections; the POST reply,
which wrk cannot sign, is sent by Python threads.

It prints, for the list, a post page, the PDF and a POST reply: requests/s and server CPU
milliseconds per request (gunicorn's workers and nginx's, read from /proc before and after)
for the site alone (uncached), through the front (cached), and for nginx's static copy; the
cached ratio (cached requests/s and CPU against the static copy's); and the freshness delay,
from a change's commit to the first anonymous poll (every 50 ms) through the front that shows
it. Not a test: a script that prints figures (README "Performance through the shipped
front"); over 250 lines because the four cases, the replies' sender and the freshness poll
belong to one run.
"""

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
# Run as a script, so the project (and its tests.servers) must be put on the path first.
sys.path.insert(0, str(ROOT))

from imroc_site.demo.pdf import make_pdf  # noqa: E402
from tests import servers  # noqa: E402

PAPER_SIZE = 384_000

_CONTENT = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from comments.client import sign_form_time
from comments.models import Comment
from documents.models import Document
from news.models import Attachment, Category, Post
import time
posts, replies, paper = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
news = Category.objects.get(slug="news")
Post.objects.bulk_create(
    Post(title=f"Bench post {n}", slug=f"bench-{n}", body=f"<p>Body {n}</p>" * 5,
         category=news, status="published", published_at=f"2025-01-01T00:00:00Z")
    for n in range(posts)
)
Comment.objects.bulk_create(
    Comment(post=post, name=f"Reader {r}", email="r@example.org", text=f"Reply {r} " * 20,
            status="approved")
    for post in Post.objects.all() for r in range(replies)
)
first = Post.objects.get(slug="bench-0")
Attachment.objects.create(post=first, document=Document.objects.get(pk=paper))
Post.objects.create(title="Fresh draft", slug="fresh", body="<p>New</p>", category=news)
print(json.dumps({"post": first.pk, "issued": sign_form_time(int(time.time()) - 120)}))
"""

_PUBLISH = """
import time
import django
django.setup()
from news.models import Post
from news.services import publish, unpublish
post = Post.objects.filter(slug="fresh")
(unpublish if post.get().status == "published" else publish)(post, by=None)
print(time.time())
"""


def cpu(*masters) -> float:
    return sum(servers.worker_cpu_seconds(master) for master in masters)


def load_get(url: str, seconds: float, masters) -> tuple[float, float]:
    """(requests/s, server CPU ms per request) of `url` under wrk."""
    before = cpu(*masters)
    requests, rate, _ = servers.wrk(url, seconds)
    return rate, (cpu(*masters) - before) / requests * 1000


def load_replies(port: int, post: int, issued: str, seconds: float, masters):
    """(requests/s, server CPU ms per request) of POSTed replies from 4 threads; each reply
    from its own address (X-Forwarded-For, TRUSTED_PROXY_COUNT=1), so no flood limit applies."""
    sent, failures = [0], []
    deadline = time.monotonic() + seconds
    lock = threading.Lock()

    def sender(number):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        count = 0
        while time.monotonic() < deadline:
            count += 1
            body = urlencode(
                {
                    "name": "Sam Carter",
                    "email": "sam@example.org",
                    "text": f"Thank you, reply {number}-{count}.",
                    "issued": issued,
                }
            )
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Sec-Fetch-Site": "same-origin",
                "X-Forwarded-For": f"10.{number}.{count // 250}.{count % 250}",
                "User-Agent": "Mozilla/5.0 benchmark",
            }
            connection.request("POST", f"/comments/post/{post}/", body, headers)
            response = connection.getresponse()
            response.read()
            if response.status != 302:
                failures.append(response.status)
            with lock:
                sent[0] += 1
        connection.close()

    before = cpu(*masters)
    started = time.monotonic()
    threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if failures:
        print(f"  (POST reply: {len(failures)} answers not a redirect, e.g. {failures[0]})")
    return sent[0] / elapsed, (cpu(*masters) - before) / sent[0] * 1000


def freshness_delays(port: int, env, times: int) -> list[float]:
    """Seconds from each publish or take-down's commit to the first poll that shows it."""
    delays = []
    for _ in range(times):
        visible = _status(port, "/news/fresh/") == 200
        seen: list[float] = []

        def poll(visible=visible, seen=seen):
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if (_status(port, "/news/fresh/") == 200) != visible:
                    seen.append(time.time())
                    return
                time.sleep(0.05)

        poller = threading.Thread(target=poll)
        poller.start()
        committed = float(servers.manage(env, "-c", _PUBLISH).stdout)
        poller.join()
        delays.append(seen[0] - committed if seen else float("inf"))
        time.sleep(0.3)
    return delays


def _status(port, path) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def _cache_status(port, path) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    statuses = []
    for _ in range(3):
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        statuses.append(response.getheader("X-Cache-Status") or "-")
    connection.close()
    return "/".join(statuses)


def _fetch(port, path) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    content = connection.getresponse().read()
    connection.close()
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=3)
    arguments = parser.parse_args()
    if not (servers.NGINX and servers.WRK):
        sys.exit("needs nginx and wrk: apt-get install nginx-light wrk")
    seconds = int(max(1, arguments.seconds))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        run(folder, arguments.posts, arguments.replies, seconds)


def run(folder: Path, posts: int, replies: int, seconds: int) -> None:
    env = servers.site_environment(
        folder,
        f"sqlite:///{folder / 'site.sqlite3'}",
        DOCUMENTS_SERVE_WITH="x-accel-redirect",
        TRUSTED_PROXY_COUNT="1",
    )
    paper_file = folder / "paper.pdf"
    paragraphs = ["Recovery is a journey that people make for themselves."]
    paper_file.write_bytes(make_pdf("Recovery: the Business Case", paragraphs, PAPER_SIZE))
    print(f"Preparing {posts} posts × {replies} replies and a paper of about {PAPER_SIZE:,} bytes…")
    paper = servers.prepare_site(env, {"paper": ("Bench paper", paper_file)})["paper"]
    made = json.loads(
        servers.manage(env, "-c", _CONTENT, str(posts), str(replies), str(paper["id"])).stdout
    )
    app, app_port = servers.start_gunicorn(env, workers=2, threads=1)
    copies = folder / "copies"
    copies.mkdir()
    port, static_port = servers.free_port(), servers.free_port()
    cases = {"list": "/news/", "post page": "/news/bench-0/", "PDF": paper["url"]}
    headers = servers.page_headers(app_port, "/news/")
    config = servers.nginx_config(
        folder,
        media_root=Path(env["MEDIA_ROOT"]),
        static_root=Path(env["STATIC_ROOT"]),
        proxy_port=port,
        app_port=app_port,
        static_port=static_port,
        static_files=copies,
        static_headers=headers,
    )
    nginx = servers.start_nginx(config, port, static_port)
    try:
        (copies / "list.html").write_bytes(_fetch(app_port, cases["list"]))
        (copies / "post page.html").write_bytes(_fetch(app_port, cases["post page"]))
        (copies / "PDF.pdf").write_bytes(paper_file.read_bytes())
        static = {
            "list": "/copies/list.html",
            "post page": "/copies/post%20page.html",
            "PDF": "/copies/PDF.pdf",
        }
        print(
            f"{platform.node()} ({os.cpu_count()} cores, {platform.processor() or 'cpu?'}), "
            f"nginx {servers.nginx_version()}, wrk -t2 -c16 -d{seconds}s\n"
        )
        print(f"{'':12}{'site alone':>22}{'through the front':>22}{'nginx static':>22}")
        print(f"{'':12}" + f"{'req/s':>12}{'CPU ms':>10}" * 3)
        ratios = []
        for name, path in cases.items():
            alone = load_get(f"http://127.0.0.1:{app_port}{path}", seconds, [app])
            front = load_get(f"http://127.0.0.1:{port}{path}", seconds, [app, nginx])
            copy = load_get(f"http://127.0.0.1:{static_port}{static[name]}", seconds, [nginx])
            print(
                f"{name:12}"
                + "".join(f"{r:12.0f}{c:10.3f}" for r, c in (alone, front, copy))
                + f"   cache: {_cache_status(port, path)}"
            )
            if name != "PDF":
                ratios.append((name, front[0] / copy[0], copy[1] / front[1]))
        reply = load_replies(app_port, made["post"], made["issued"], seconds, [app])
        print(f"{'POST reply':12}{reply[0]:12.0f}{reply[1]:10.3f}{'—':>22}{'—':>22}")
        print()
        for name, by_rate, by_cpu in ratios:
            print(
                f"cached ratio, {name}: {by_rate:.2f}× static's req/s, "
                f"{by_cpu:.2f}× by CPU per request"
            )
        delays = freshness_delays(port, env, 6)
        print(
            f"freshness delay (publish/take down → seen through the front, 6 changes): "
            f"median {statistics.median(delays):.3f} s, max {max(delays):.3f} s"
        )
    finally:
        servers.stop(nginx, app)


if __name__ == "__main__":
    main()
