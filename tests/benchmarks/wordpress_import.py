"""Benchmark: importing a WordPress export of 1,000 and 10,000 posts with replies.

    .venv/bin/python tests/benchmarks/wordpress_import.py [--posts 1000 10000] [--replies 3]
        [--only sqlite|postgresql]

For each size and database, a worker process gets a fresh, throw-away database (an SQLite file
in a temporary folder; a PostgreSQL database `imroc_importer_bench` on 127.0.0.1:5432), writes
a generated export (tests/wordpress_export.py: posts of a few paragraphs, each with a thread of
`--replies` replies), and runs the import service as `manage.py import_wordpress` does. It
prints posts and items (posts + replies) per second by the clock and per second of the worker's
own CPU time (the clock counts waiting for a CPU on a busy machine, the CPU time does not), and
the worker's peak memory (ru_maxrss) before and after the import: a flat import adds about the
same for 10,000 posts as for 1,000.
Not a test: a script that prints figures.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "imroc_importer_bench"  # our own, so other benchmarks running at once never collide


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--replies", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker, args.replies)
        return
    print(f"Import of generated exports, {args.replies} replies per post\n")
    print(
        f"{'database':<11} {'posts':>7} {'seconds':>8} {'posts/s':>8} {'items/s':>8} "
        f"{'CPU s':>8} {'posts/CPU s':>10} {'MB before':>9} {'MB after':>9}"
    )
    for count in args.posts:
        for name in ("sqlite", "postgresql"):
            if not args.only or args.only == name:
                run_on(name, count, args.replies)


def run_on(name: str, count: int, replies: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        if name == "postgresql":
            if not recreate_postgres_database():
                print("postgresql: no server at 127.0.0.1:5432, skipped")
                return
            url = f"{PG_SERVER}/{PG_NAME}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "false",
            "SECRET_KEY": "benchmark",
            "MEDIA_ROOT": f"{folder}/media",
            "EMAIL_URL": "dummymail://",
            "BENCH_DIR": folder,
        }
        command = [sys.executable, __file__, f"--worker={count}", f"--replies={replies}"]
        subprocess.run(command, env=env, cwd=ROOT, check=True)


def recreate_postgres_database() -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
            conn.execute(f"CREATE DATABASE {PG_NAME}")
    except psycopg.OperationalError:
        return False
    return True


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def run_worker(count: int, replies: int) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
    from news_pages import start_django

    start_django()
    from django.db import connection

    from tests.wordpress_export import many_posts, write_export
    from wordpress.context import Options
    from wordpress.media import MediaSource
    from wordpress.services import import_export, summary_of

    export = write_export(
        Path(os.environ["BENCH_DIR"]) / "export.xml", many_posts(count, replies_per_post=replies)
    )
    before = _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    summary = summary_of(import_export(export, options=Options(media=MediaSource())))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    posts = summary.counts["post", "created"]
    items = posts + summary.counts["comment", "created"]
    assert posts == count and not summary.failed, summary.counts
    print(
        f"{connection.vendor:<11} {count:>7,} {seconds:>8.1f} {posts / seconds:>8.0f} "
        f"{items / seconds:>8.0f} {cpu:>8.1f} {posts / cpu:>10.0f} {before:>9.0f} "
        f"{_peak_mb():>9.0f}"
    )


if __name__ == "__main__":
    main()
