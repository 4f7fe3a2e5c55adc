"""Benchmark: median response times of the news pages with many posts, SQLite and PostgreSQL.

    .venv/bin/python tests/benchmarks/news_pages.py [--posts 10000] [--runs 30] [--only sqlite]

Each database gets a fresh, throw-away copy (an SQLite file in a temporary folder; a PostgreSQL
database `imroc_bench` on DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432),
filled with posts that have tags, papers and replies, then every page is requested in-process
through Django's WSGI stack (middleware, templates, database; no network). It prints the median
and 95th percentile time per page and the number of queries each ran. Not a test: a script that
prints figures. Django and the apps are imported inside the worker's functions because each
worker process sets up Django itself, on the database it was given, after it starts.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def main():
    run_benchmark(
        __doc__,
        __file__,
        ("posts", 10_000),
        run_worker,
        lambda posts, runs: (
            f"{posts:,} published posts; median / p95 of {runs} requests per page\n"
        ),
    )


def run_benchmark(doc: str, script: str, size: tuple[str, int], worker, headline) -> None:
    """The command line every benchmark shares: `--<size> N --runs N --only DATABASE`.

    Run as the worker, call `worker(size, runs)`; otherwise print `headline(size, runs)` and
    start one worker per database.
    """
    name, default = size
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    amount = getattr(args, name)
    if args.worker:
        worker(amount, args.runs)
        return
    print(headline(amount, args.runs))
    run_on_each_database(script, [f"--{name}={amount}", f"--runs={args.runs}"], args.only)


def run_on_each_database(script: str, arguments: list[str], only: str | None) -> None:
    """Run `script --worker arguments` once per database, each a fresh throw-away copy."""
    with tempfile.TemporaryDirectory() as folder:
        databases = {
            "sqlite": f"sqlite:///{folder}/bench.sqlite3",
            "postgresql": f"{PG_SERVER}/imroc_bench",
        }
        for name, url in databases.items():
            if only and name != only:
                continue
            if name == "postgresql" and not recreate_postgres_database():
                print("postgresql: no server at 127.0.0.1:5432, skipped\n")
                continue
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DEBUG": "false",
                "SECRET_KEY": "benchmark",
                "MEDIA_ROOT": f"{folder}/media-{name}",
                "EMAIL_URL": "dummymail://",
            }
            command = [sys.executable, script, "--worker", *arguments]
            subprocess.run(command, env=env, cwd=ROOT, check=True)


def recreate_postgres_database() -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS imroc_bench")
            conn.execute("CREATE DATABASE imroc_bench")
    except psycopg.OperationalError:
        return False
    return True


def start_django() -> None:
    """In a worker: Django set up on the fresh database, migrated, static files from the finders
    (the benchmarks measure pages, not collectstatic)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imroc_site.settings")
    import warnings

    import django

    warnings.filterwarnings("ignore", "No directory at")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    call_command("migrate", verbosity=0)


def run_worker(post_count: int, runs: int):
    start_django()
    from django.db import connection
    from django.test import Client

    started = time.perf_counter()
    post = seed(post_count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a live database has
    print(f"{connection.vendor}: filled in {time.perf_counter() - started:.1f} s")

    client = Client(headers={"host": "127.0.0.1"})
    pages = {
        "home": "/",
        "listing, page 50": "/news/?page=50",
        "category archive, page 20": "/news/category/news/?page=20",
        "post page": post.get_absolute_url(),
        "search “recovery college”": "/search/?q=recovery+college",
    }
    print_timings({label: (lambda url=url: client.get(url)) for label, url in pages.items()}, runs)


def print_timings(requests: dict, runs: int) -> None:
    """Median and 95th percentile of `runs` calls of each request, and its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    print(f"  {'request':<30} {'median':>9} {'p95':>9} {'queries':>8}")
    for label, request in requests.items():
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                begin = time.perf_counter()
                response = request()
                timings.append((time.perf_counter() - begin) * 1000)
            assert response.status_code in (200, 302), (label, response.status_code)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"  {label:<30} {statistics.median(timings):>7.1f}ms {p95:>7.1f}ms {len(queries):>8}")
    print()


def seed(count: int):
    """Posts with tags, two shared papers, and replies; returns a post in the middle."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from comments.models import Comment
    from documents.models import Document
    from imroc_site.demo.pdf import make_pdf
    from news.models import Attachment, Category, Post

    news, events = Category.objects.get(slug="news"), Category.objects.get(slug="events")
    now = timezone.now()
    words = [
        "recovery",
        "college",
        "peer",
        "support",
        "co-production",
        "wellbeing",
        "community",
        "training",
        "research",
        "families",
        "housing",
        "employment",
    ]
    posts = []
    for n in range(count):
        topic = " ".join(words[(n + k) % len(words)] for k in range(4))
        is_event = n % 10 == 0
        posts.append(
            Post(
                title=f"Post {n}: {topic}",
                slug=f"post-{n}",
                category=events if is_event else news,
                body="".join(
                    f"<p>Paragraph {p} about {topic}. " + "Words " * 40 + "</p>" for p in range(5)
                ),
                excerpt="",
                status=Post.Status.PUBLISHED,
                published_at=now - timedelta(hours=n + 1),
                event_start=now + timedelta(days=n % 60 - 20) if is_event else None,
                event_location="Nottingham" if is_event else "",
            )
        )
    Post.objects.bulk_create(posts, batch_size=1000)
    posts = list(Post.objects.order_by("pk"))
    tags = Tag.objects.bulk_create([Tag(name=w, slug=w) for w in words])
    TaggedItem.objects.bulk_create(
        [
            TaggedItem(content_object=post, tag=tags[(i + k) % len(tags)])
            for i, post in enumerate(posts)
            for k in range(3)
        ],
        batch_size=5000,
    )
    papers = []
    for title in ("Recovery: the Business Case", "Co-production"):
        document = Document(
            title=title, file=ContentFile(make_pdf(title, [title], 50_000), name="paper.pdf")
        )
        document.save()
        papers.append(document)
    Attachment.objects.bulk_create(
        [
            Attachment(post=post, document=paper, position=k)
            for post in posts[::5]
            for k, paper in enumerate(papers)
        ],
        batch_size=5000,
    )
    Comment.objects.bulk_create(
        [
            Comment(
                post=post,
                name=f"Reader {k}",
                email="reader@example.org",
                text="Thank you. " * 20,
                status=Comment.Status.APPROVED,
            )
            for post in posts[::3]
            for k in range(5)
        ],
        batch_size=5000,
    )
    return posts[len(posts) // 2]


if __name__ == "__main__":
    main()
