"""Benchmark: are pages flat as data grows? p50/p95 at two sizes of content, and their ratio.

    .venv/bin/python tests/benchmarks/at_scale.py [--sizes 1000,100000] [--replies 10]
        [--papers-per-post 0.05] [--requests 40] [--databases sqlite,postgres] [--keep DIR]
        [--rounds 1]

Issue 14 wants list, post page, archive, feed, sitemap and search at 100,000 posts (1,000,000
replies, 5,000 papers) within 1.2x of their time at 1,000 posts, search under 100 ms at p95,
and the admin's post and reply lists under 300 ms. For each database and size, in a temporary
folder (SQLite) or a database of its own (PostgreSQL: imroc_at_scale_<pid>, made for the run
and dropped after it), this script migrates a fresh site, fills it with `manage.py
load_benchmark_content`, then, in one process with DEBUG off, asks each page --requests times
through Django's test client (after two unmeasured requests) and prints the p50 and p95 in
ms, the queries each request made, and the ratio of the biggest size to the smallest.
The ratio and the targets are judged on CPU time per request (this process's, plus its
PostgreSQL server process's read from /proc), which holds up on a busy machine; wall-clock
does not, and is printed beside it. On an idle machine the two are close.

Each public page is asked twice over. "kept": as a visitor without cookies, whom
imroc_site/page_cache.py answers with the copy it keeps until content changes (after the
unmeasured requests, that is all it measures). "rendered": as a visitor who sends a cookie
(any cookie turns the kept copy off), so the view, its queries and its template run every
time; flatness is judged on these. The admin lists are asked signed in as a superuser
(force_login): the post list, the reply moderation queue (all replies, and pending only) and
the papers. Not a test: the big size takes minutes to load, so it is run by hand. --keep DIR
keeps each loaded site (SQLite files in DIR; on PostgreSQL databases imroc_at_scale_<size>)
and reuses it on the next run, migrated to the current code, to measure again in seconds.
--rounds N measures each size N times, the sizes in turn, and prints each figure's median and
the range of the rounds' ratios: one process's figures swing by half on a shared machine.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Run as a script, so the project (and its tests.servers) must be put on the path first.
sys.path.insert(0, str(ROOT))

from tests.servers import manage, site_environment  # noqa: E402

POSTGRES_SERVER = os.environ.get("AT_SCALE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# One database per run, so two runs at once (or a run beside the tests) never share one.
POSTGRES_DATABASE = f"imroc_at_scale_{os.getpid()}"
# Whatever a visitor sends, the page is rendered rather than taken from the kept copy.
BENCHMARK_COOKIE = "benchmark"

# Run inside the site's environment: the pages, then how long each took, as JSON.
_MEASURE = """
import json, statistics, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from news.models import Post

requests, cookie = int(sys.argv[1]), sys.argv[2]


def cpu_ns():
    # CPU time of this process, and of its PostgreSQL server process (same machine).
    used = time.process_time_ns()
    if connection.vendor == "postgresql" and connection.connection is not None:
        pid = connection.connection.info.backend_pid
        with open(f"/proc/{pid}/schedstat") as stat:
            used += int(stat.read().split()[0])
    return used


posts = Post.objects.published().order_by("pk")
middle = posts[posts.count() // 2]
public = {
    "list": "/news/",
    "post page": middle.get_absolute_url(),
    "archive": "/news/category/news/",
    "feed": "/feeds/rss/",
    "sitemap index": "/sitemap.xml",
    "sitemap page": "/sitemap-posts.xml",
    "search": "/search/?q=supporting+families",
    "search, rare words": "/search/?q=" + middle.title.split(":")[0].replace(" ", "+"),
}
admin_lists = {
    "admin posts": "/admin/news/post/",
    "admin replies": "/admin/comments/comment/",
    "admin replies pending": "/admin/comments/comment/?status__exact=pending",
    "admin papers": "/admin/documents/document/",
}
admin, _ = get_user_model().objects.get_or_create(
    username="at-scale", defaults={"is_staff": True, "is_superuser": True}
)
cookieless, with_cookie, staff = Client(), Client(), Client()
with_cookie.cookies[cookie] = "1"
staff.force_login(admin)
asked = [(f"{name} (kept)", url, cookieless) for name, url in public.items()]
asked += [(f"{name} (rendered)", url, with_cookie) for name, url in public.items()]
asked += [(name, url, staff) for name, url in admin_lists.items()]
timings = {}
for name, url, client in asked:
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    took, cpu = [], []
    with CaptureQueriesContext(connection) as queries:
        for _ in range(requests):
            began, began_cpu = time.perf_counter(), cpu_ns()
            client.get(url)
            took.append((time.perf_counter() - began) * 1000)
            cpu.append((cpu_ns() - began_cpu) / 1e6)
    took.sort()
    cpu.sort()
    timings[name] = {
        "url": url,
        "p50": statistics.median(took),
        "p95": took[min(len(took) - 1, round(0.95 * (len(took) - 1)))],
        "cpu p50": statistics.median(cpu),
        "cpu p95": cpu[min(len(cpu) - 1, round(0.95 * (len(cpu) - 1)))],
        "queries": len(queries) / requests,
        "bytes": len(response.content),
    }
print(json.dumps(timings))
"""


def database_name(posts: int, keep: Path | None) -> str:
    return f"imroc_at_scale_{posts}" if keep else POSTGRES_DATABASE


def psql(statement: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["psql", f"{POSTGRES_SERVER}/postgres", "-qtAc", statement],
        check=True,
        text=True,
        capture_output=True,
    )


def database(kind: str, folder: Path, name: str, reuse: bool) -> tuple[str, bool]:
    """The database's URL, and whether it already holds a loaded site to reuse."""
    if kind == "sqlite":
        path = folder / "db.sqlite3"
        return f"sqlite:///{path}", reuse and path.exists()
    # Whether it exists: connecting to it succeeds.
    probe = subprocess.run(
        ["psql", f"{POSTGRES_SERVER}/{name}", "-qc", "SELECT 1"], capture_output=True
    )
    exists = probe.returncode == 0
    if not (reuse and exists):
        psql(f"DROP DATABASE IF EXISTS {name}")
        psql(f"CREATE DATABASE {name}")
    return f"{POSTGRES_SERVER}/{name}", reuse and exists


def prepare(kind: str, posts: int, replies: int, papers: int, args, stack: ExitStack) -> dict:
    """A migrated site of `posts` posts, loaded unless --keep already holds one: its
    environment, for as many rounds of measuring as asked (dropped at the end of `stack`)."""
    keep: Path | None = args.keep
    folder = keep / f"{kind}-{posts}" if keep else Path(stack.enter_context(_temporary()))
    folder.mkdir(parents=True, exist_ok=True)
    db_name = database_name(posts, keep)
    url, loaded_before = database(kind, folder, db_name, reuse=keep is not None)
    if kind == "postgres" and not keep:
        stack.callback(psql, f"DROP DATABASE IF EXISTS {db_name}")
    env = site_environment(
        folder,
        url,
        ALLOWED_HOSTS="testserver",
        SITE_URL="http://testserver",
        OTP_REQUIRED_FOR_SUPERUSERS="false",
    )
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    began = time.monotonic()
    if not loaded_before:
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
    how = "reused" if loaded_before else f"loaded in {loaded:.0f}s"
    print(f"  {kind}, {posts:,} posts: {how}", flush=True)
    return env


def _temporary():
    return tempfile.TemporaryDirectory(prefix="at-scale-")


def measure(env: dict, args) -> dict:
    """One round: every page --requests times, in a process of its own."""
    result = manage(env, "-c", _MEASURE, str(args.requests), BENCHMARK_COOKIE)
    return json.loads(result.stdout.strip().splitlines()[-1])


def combined(rounds: list[dict]) -> dict:
    """Per page, each figure's median over the rounds."""
    return {
        page: {
            figure: statistics.median(one[page][figure] for one in rounds)
            for figure in rounds[0][page]
            if figure != "url"
        }
        for page in rounds[0]
    }


def verdict(page: str, ratio: float, big: dict) -> str:
    if page.startswith("admin"):
        return f"< 300 ms: {'yes' if big['cpu p95'] < 300 else 'NO'}"
    if "(kept)" in page:
        return "(the kept copy)"
    flat = f"≤ 1.2×: {'yes' if ratio <= 1.2 else 'NO'}"
    if page.startswith("search"):
        return f"p95 < 100 ms: {'yes' if big['cpu p95'] < 100 else 'NO'}; {flat}"
    return flat


def report(kind: str, sizes: list[int], rounds: dict[int, list[dict]]) -> None:
    small, big = sizes[0], sizes[-1]
    count = len(rounds[small])
    print(
        f"\n{kind}, {small:,} and {big:,} posts: ms per request, CPU (p50, p95; with the "
        "database server's) and wall-clock (p50), and queries per request; targets judged on CPU"
        + (
            f";\nmedians of {count} rounds, the sizes in turn, and the range of the rounds' ratios"
            if count > 1
            else ""
        )
    )
    columns = f"{'cpu50':>8}{'cpu95':>8}{'wall':>8}{'q':>4}"
    print(f"{'page':<30}{columns}  {columns}{'cpu ratio':>10}  target")
    by_size = {size: combined(rounds[size]) for size in (small, big)}
    for page in by_size[small]:
        a, b = by_size[small][page], by_size[big][page]
        # Each round's ratio (the sizes measured one after the other), and their median.
        ratios = [
            later[page]["cpu p50"] / first[page]["cpu p50"]
            for first, later in zip(rounds[small], rounds[big], strict=True)
        ]
        ratio = statistics.median(ratios)
        spread = f"  ({min(ratios):.2f}–{max(ratios):.2f})" if count > 1 else ""
        print(
            f"{page:<30}{row(a)}  {row(b)}{ratio:>9.2f}×  {verdict(page, ratio, b)}{spread}",
            flush=True,
        )


def row(timing: dict) -> str:
    return (
        f"{timing['cpu p50']:>8.1f}{timing['cpu p95']:>8.1f}{timing['p50']:>8.1f}"
        f"{timing['queries']:>4.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--replies", type=int, default=10, help="approved replies per post")
    parser.add_argument("--papers-per-post", type=float, default=0.05)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the loaded sites in this folder (and PostgreSQL databases) and reuse them",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure each size this many times, in turn; medians (a noisy machine swings one "
        "process's figures by half)",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    for kind in args.databases.split(","):
        with ExitStack() as stack:
            try:
                envs = {
                    posts: prepare(
                        kind,
                        posts,
                        args.replies,
                        max(1, round(posts * args.papers_per_post)),
                        args,
                        stack,
                    )
                    for posts in sizes
                }
                rounds: dict[int, list[dict]] = {posts: [] for posts in sizes}
                for _ in range(args.rounds):
                    for posts in sizes:
                        rounds[posts].append(measure(envs[posts], args))
            except subprocess.CalledProcessError as failed:
                sys.exit(f"{kind}: {failed.cmd}\n{failed.stdout}\n{failed.stderr}")
        report(kind, sizes, rounds)


if __name__ == "__main__":
    main()
