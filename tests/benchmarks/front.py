"""Benchmark: the site through its shipped front (deploy/nginx/) beside nginx serving static
copies of the same bytes, in one run.

    .venv/bin/python tests/benchmarks/front.py [--posts 1000] [--replies 20] [--seconds 3]
        [--rounds 5]

In a temporary folder: an SQLite database with --posts posts, --replies approved replies on
each, and a paper of about 384,000 bytes; gunicorn (2 sync workers, DEBUG off) with
DOCUMENTS_SERVE_WITH=x-accel-redirect; nginx with the shipped configuration in front of it,
and a plain nginx server of static copies (the page's bytes and headers, the paper's file).
wrk (apt-get install wrk) loads each case for --seconds on 16 connections; the POST reply,
which wrk cannot sign, is sent by Python threads.

It prints, for the list, a post page, the PDF and a POST reply: requests/s and server CPU
milliseconds per request (gunicorn's workers and nginx's, read from /proc before and after)
for the site alone (uncached), through the front (cached), and for nginx's static copy; the
cached ratio against the target (cached requests/s, and CPU per request of servers and wrk,
against the static copy's: the same bytes, as gzip to a browser's Accept-Encoding and plain
to none, in --rounds alternating rounds, medians); and the freshness delay,
from a change's commit to the first anonymous poll (every 50 ms) through the front that shows
it. Not a test: a script that prints figures (README "Performance through the shipped
front"); over 250 lines because the four cases, the replies' sender and the freshness poll
belong to one run.
"""

import argparse
import gzip
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


TARGET = 0.9  # issue 14: cached pages at >= 0.9x the requests/s of nginx's static copy
# How a browser asks, and how wrk and curl do: the front keeps a copy of each.
ENCODINGS = {"gzip": {"Accept-Encoding": "gzip, deflate, br, zstd"}, "identity": {}}


def cpu(*masters) -> float:
    return sum(servers.worker_cpu_seconds(master) for master in masters)


def load_get(url: str, seconds: float, masters, headers=None) -> tuple[float, float]:
    """(requests/s, server CPU ms per request) of `url` under wrk."""
    before = cpu(*masters)
    requests, rate, _ = servers.wrk(url, seconds, headers=headers)
    return rate, (cpu(*masters) - before) / requests * 1000


def compare(cached: str, static: str, headers, seconds: int, rounds: int, app, nginx):
    """The cache against the static copy, fairly: the same bytes and Accept-Encoding, both
    warmed, then loaded in turn (each first in alternate rounds) and the median of the
    rounds' ratios taken. Returns (median ratio by requests/s, median ratio by CPU per request
    of servers and wrk, median cached req/s, median static req/s, median µs per request
    cached, static)."""
    for url in (cached, static):
        servers.wrk(url, 1, headers=headers)
    by_rate, by_cpu, rates, costs = [], [], {cached: [], static: []}, {cached: [], static: []}
    for round in range(rounds):
        rate, cost = {}, {}
        for url in (cached, static) if round % 2 == 0 else (static, cached):
            masters = (app, nginx) if url == cached else (nginx,)
            before = cpu(*masters)
            requests, rate[url], client = servers.wrk(url, seconds, headers=headers)
            cost[url] = (cpu(*masters) - before + client) / requests * 1e6
            rates[url].append(rate[url])
            costs[url].append(cost[url])
        by_rate.append(rate[cached] / rate[static])
        by_cpu.append(cost[static] / cost[cached])
    median = statistics.median
    return (
        median(by_rate),
        median(by_cpu),
        median(rates[cached]),
        median(rates[static]),
        median(costs[cached]),
        median(costs[static]),
    )


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
    parser.add_argument("--rounds", type=int, default=5, help="of the cached ratio (median)")
    arguments = parser.parse_args()
    if not (servers.NGINX and servers.WRK):
        sys.exit("needs nginx and wrk: apt-get install nginx-light wrk")
    seconds = int(max(1, arguments.seconds))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        run(folder, arguments.posts, arguments.replies, seconds, arguments.rounds)


def run(folder: Path, posts: int, replies: int, seconds: int, rounds: int) -> None:
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
        for name in ("list", "post page"):
            page = _fetch(app_port, cases[name])
            (copies / f"{name}.html").write_bytes(page)
            # Sent by gzip_static to a visitor who takes gzip, as the front sends its copy.
            (copies / f"{name}.html.gz").write_bytes(gzip.compress(page, compresslevel=5))
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
        for name, path in cases.items():
            alone = load_get(f"http://127.0.0.1:{app_port}{path}", seconds, [app])
            front = load_get(f"http://127.0.0.1:{port}{path}", seconds, [app, nginx])
            copy = load_get(f"http://127.0.0.1:{static_port}{static[name]}", seconds, [nginx])
            print(
                f"{name:12}"
                + "".join(f"{r:12.0f}{c:10.3f}" for r, c in (alone, front, copy))
                + f"   cache: {_cache_status(port, path)}"
            )
        reply = load_replies(app_port, made["post"], made["issued"], seconds, [app])
        print(f"{'POST reply':12}{reply[0]:12.0f}{reply[1]:10.3f}{'—':>22}{'—':>22}")
        print(
            f"\nCached ratio (target >= {TARGET}× nginx static's req/s): {rounds} rounds of "
            f"{seconds} s, cached and static in turn, medians; CPU = nginx's and gunicorn's "
            "workers and wrk's, per request"
        )
        for name in ("list", "post page"):
            for encoding, headers in ENCODINGS.items():
                by_rate, by_cpu, cached_rate, static_rate, cached_us, static_us = compare(
                    f"http://127.0.0.1:{port}{cases[name]}",
                    f"http://127.0.0.1:{static_port}{static[name]}",
                    headers,
                    seconds,
                    rounds,
                    app,
                    nginx,
                )
                print(
                    f"  {name:10} {encoding:9} req/s {cached_rate:7.0f} vs {static_rate:7.0f}:"
                    f" {by_rate:.2f}× {'yes' if by_rate >= TARGET else 'NO'};"
                    f" µs/request {cached_us:5.1f} vs {static_us:5.1f}:"
                    f" {by_cpu:.2f}× {'yes' if by_cpu >= TARGET else 'NO'}"
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
