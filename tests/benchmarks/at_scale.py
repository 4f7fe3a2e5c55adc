"""Benchmark: are pages flat as data grows? p50/p95 at two sizes of content, and their ratio.

    .venv/bin/python tests/benchmarks/at_scale.py [--sizes 1000,100000] [--replies 10]
        [--papers-per-post 0.05] [--requests 40] [--databases sqlite,postgres]

Issue 14 wants list, post page, archive, feed, sitemap and search at 100,000 posts (1,000,000
replies, 5,000 papers) within 1.2× of their time at 1,000 posts, search under 100 ms at p95,
and the admin's post and reply lists under 300 ms. For each database and size, in a temporary
folder (SQLite) or a database of its own (PostgreSQL: imroc_at_scale_<pid>, made for the
run and dropped after it), this script migrates a fresh site, fills it with
`manage.py load_benchmark_content`, then, in one process with DEBUG off, asks each page
--requests times through Django's test
client (after two unmeasured requests) and prints the wall-clock p50 and p95 in ms, and the
ratio of the biggest size to the smallest. The admin lists are asked signed in as a superuser
(force_login). Not a test: the big size takes minutes to load, so it is run by hand.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Run as a script, so the project (and its tests.servers) must be put on the path first.
sys.path.insert(0, str(ROOT))

from tests.servers import manage, site_environment  # noqa: E402

POSTGRES_SERVER = os.environ.get("AT_SCALE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# One database per run, so two runs at once (or a run beside the tests) never share one.
POSTGRES_DATABASE = f"imroc_at_scale_{os.getpid()}"
PUBLIC_PAGES = ["list", "post page", "archive", "feed", "sitemap", "sitemap page", "search"]

# Run inside the site's environment: the pages, then how long each took, as JSON.
_MEASURE = """
import json, statistics, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from news.models import Post

requests = int(sys.argv[1])
posts = Post.objects.published().order_by("pk")
middle = posts[posts.count() // 2]
pages = {
    "list": "/news/",
    "post page": middle.get_absolute_url(),
    "archive": "/news/category/news/",
    "feed": "/feeds/rss/",
    "sitemap": "/sitemap.xml",
    "sitemap page": "/sitemap-posts.xml",
    "search": "/search/?q=supporting+families",
    "search, rare words": "/search/?q=" + middle.title.split(":")[0].replace(" ", "+"),
    "admin posts": "/admin/news/post/",
    "admin replies": "/admin/comments/comment/",
}
admin, _ = get_user_model().objects.get_or_create(
    username="at-scale", defaults={"is_staff": True, "is_superuser": True}
)
visitor, staff = Client(), Client()
staff.force_login(admin)
timings = {}
for name, url in pages.items():
    client = staff if name.startswith("admin") else visitor
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    took = []
    for _ in range(requests):
        began = time.perf_counter()
        client.get(url)
        took.append((time.perf_counter() - began) * 1000)
    took.sort()
    timings[name] = {
        "url": url,
        "p50": statistics.median(took),
        "p95": took[min(len(took) - 1, round(0.95 * (len(took) - 1)))],
        "bytes": len(response.content),
    }
print(json.dumps(timings))
"""


def fresh_database(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'db.sqlite3'}"
    for statement in (
        f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}",
        f"CREATE DATABASE {POSTGRES_DATABASE}",
    ):
        subprocess.run(
            ["psql", f"{POSTGRES_SERVER}/postgres", "-qc", statement], check=True, text=True
        )
    return f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"


def drop_database() -> None:
    statement = f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}"
    subprocess.run(["psql", f"{POSTGRES_SERVER}/postgres", "-qc", statement], check=True)


def measure(kind: str, posts: int, replies: int, papers: int, requests: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="at-scale-") as name:
        folder = Path(name)
        env = site_environment(
            folder,
            fresh_database(kind, folder),
            ALLOWED_HOSTS="testserver",
            SITE_URL="http://testserver",
            OTP_REQUIRED_FOR_SUPERUSERS="false",
        )
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        began = time.monotonic()
        manage(
            env,
            "load_benchmark_content",
            f"--posts={posts}",
            f"--replies-per-post={replies}",
            f"--papers={papers}",
        )
        loaded = time.monotonic() - began
        if kind == "postgres":
            # As autovacuum would soon after a load: the planner's statistics and estimates.
            manage(env, "dbshell", "--", "-qc", "VACUUM ANALYZE")
        result = manage(env, "-c", _MEASURE, str(requests))
        timings = json.loads(result.stdout.strip().splitlines()[-1])
    if kind == "postgres":
        drop_database()
    print(f"  {kind}, {posts:,} posts: loaded in {loaded:.0f}s", flush=True)
    return timings


def report(kind: str, sizes: list[int], by_size: dict[int, dict]) -> None:
    small, big = sizes[0], sizes[-1]
    print(f"\n{kind}: wall-clock ms per request (p50 / p95), {small:,} and {big:,} posts")
    print(f"{'page':<20}{'p50':>9}{'p95':>9}{'p50':>9}{'p95':>9}{'p50 ratio':>11}  target")
    for page in by_size[small]:
        a, b = by_size[small][page], by_size[big][page]
        ratio = b["p50"] / a["p50"]
        if page.startswith("admin"):
            target = f"< 300 ms: {'yes' if b['p95'] < 300 else 'NO'}"
        elif page.startswith("search"):
            target = f"p95 < 100 ms: {'yes' if b['p95'] < 100 else 'NO'}"
            target += f"; ≤ 1.2×: {'yes' if ratio <= 1.2 else 'NO'}"
        else:
            target = f"≤ 1.2×: {'yes' if ratio <= 1.2 else 'NO'}"
        print(
            f"{page:<20}{a['p50']:>9.1f}{a['p95']:>9.1f}{b['p50']:>9.1f}{b['p95']:>9.1f}"
            f"{ratio:>10.2f}×  {target}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--replies", type=int, default=10, help="approved replies per post")
    parser.add_argument("--papers-per-post", type=float, default=0.05)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    for kind in args.databases.split(","):
        by_size = {}
        for posts in sizes:
            papers = max(1, round(posts * args.papers_per_post))
            try:
                by_size[posts] = measure(kind, posts, args.replies, papers, args.requests)
            except subprocess.CalledProcessError as failed:
                sys.exit(f"{kind}, {posts} posts: {failed.cmd}\n{failed.stdout}\n{failed.stderr}")
        report(kind, sizes, by_size)


if __name__ == "__main__":
    main()
