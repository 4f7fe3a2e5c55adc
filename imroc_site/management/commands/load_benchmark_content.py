"""Fill a site with benchmark content of any size, in bulk (imroc_site/demo/bulk.py)."""

import time

from django.core.management.base import BaseCommand

from imroc_site.demo.bulk import load_bulk


class Command(BaseCommand):
    help = (
        "Add published posts with tags, approved replies and public papers, in bulk, for "
        "measuring the site at size (e.g. --posts 100000 --replies-per-post 10 --papers 5000). "
        "Never on a real site: it is made-up content."
    )

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=1_000)
        parser.add_argument("--replies-per-post", type=int, default=10)
        parser.add_argument("--papers", type=int, default=50)
        parser.add_argument(
            "--paper-bytes", type=int, default=384_000, help="Size of the one real PDF."
        )

    def handle(self, *args, posts, replies_per_post, papers, paper_bytes, **options):
        began = time.monotonic()

        def progress(kind: str, done: int) -> None:
            if options["verbosity"] > 1 or kind == "papers":
                self.stdout.write(f"  {kind}: {done:,} ({time.monotonic() - began:.0f}s)")
            elif done % 20_000 == 0 or done == posts:
                self.stdout.write(f"  posts: {done:,} ({time.monotonic() - began:.0f}s)")

        loaded = load_bulk(
            posts=posts,
            replies_per_post=replies_per_post,
            papers=papers,
            paper_bytes=paper_bytes,
            progress=progress,
        )
        self.stdout.write(
            f"Added {loaded.posts:,} posts, {loaded.replies:,} replies and {loaded.papers:,} "
            f"papers in {time.monotonic() - began:.1f}s."
        )
