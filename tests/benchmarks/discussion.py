"""Benchmark: a post page with a long threaded discussion, and sending a reply, on both databases.

    .venv/bin/python tests/benchmarks/discussion.py [--replies 500] [--runs 30] [--only sqlite]

Each database gets a fresh, throw-away copy (as in news_pages.py) holding one post with
`--replies` approved replies in threads three deep (a reply, answers to it, answers to those),
plus a thousand other posts with a few replies each for the listing. Pages are requested
in-process through Django's WSGI stack; it prints the median and 95th percentile time and the
queries each ran, and the same for sending a reply (the form's POST, through every rule, up to
its redirect). Not a test: a script that prints figures.
"""

import itertools
import time

from news_pages import print_timings, run_benchmark, start_django


def main():
    run_benchmark(
        __doc__,
        __file__,
        ("replies", 500),
        run_worker,
        lambda replies, runs: (
            f"A post with {replies:,} approved threaded replies; median / p95 of {runs}\n"
        ),
    )


def run_worker(reply_count: int, runs: int):
    # Django and the apps are imported only once start_django has set them up, here and below.
    start_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.COMMENTS_FLOOD_SECONDS = 0  # one benchmark client sends every reply
    settings.COMMENTS_HOURLY_LIMIT = 10**6
    started = time.perf_counter()
    post = seed(reply_count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{connection.vendor}: filled in {time.perf_counter() - started:.1f} s")

    client = Client(headers={"host": "127.0.0.1"})
    last_page = -(-(reply_count // 5) // settings.COMMENTS_PER_PAGE)
    requests = {
        "post page, replies page 1": lambda: client.get(post.get_absolute_url()),
        f"post page, replies page {last_page}": lambda: client.get(
            post.get_absolute_url(), {"cpage": last_page}
        ),
        "listing with reply counts": lambda: client.get("/news/?page=5"),
        "send a reply (POST)": send_reply(client, post),
    }
    print_timings(requests, runs)


def send_reply(client, post):
    from comments.client import sign_form_time

    numbers = itertools.count()

    def send():
        number = next(numbers)
        issued = sign_form_time(int(time.time()) - 60)
        data = {
            "name": f"Benchmark visitor {number}",
            "email": f"visitor{number}@example.org",
            "text": f"Reply number {number} from the benchmark.",
            "issued": issued,
        }
        return client.post(f"/comments/post/{post.pk}/", data)

    return send


def seed(reply_count: int):
    """One post with threads of five (1 + 2 answers + 2 answers to answers); other posts with
    three replies each; returns the discussed post."""
    from datetime import timedelta

    from django.utils import timezone

    from comments.models import Comment
    from news.models import Category, Post

    news = Category.objects.get(slug="news")
    now = timezone.now()
    others = Post.objects.bulk_create(
        Post(
            title=f"Post {n}",
            slug=f"post-{n}",
            category=news,
            body="<p>Words.</p>",
            status=Post.Status.PUBLISHED,
            published_at=now - timedelta(hours=n + 2),
        )
        for n in range(1000)
    )
    Comment.objects.bulk_create(
        Comment(
            post=other,
            name="Visitor",
            email="v@example.org",
            text="Hello",
            status=Comment.Status.APPROVED,
        )
        for other in others
        for _ in range(3)
    )
    post = Post.objects.create(
        title="A long discussion",
        slug="a-long-discussion",
        category=news,
        body="<p>What do you think?</p>",
        status=Post.Status.PUBLISHED,
        published_at=now - timedelta(hours=1),
    )
    when = now - timedelta(days=1)

    def add(parent=None):
        nonlocal when
        when += timedelta(seconds=10)
        return Comment.objects.create(
            post=post,
            parent=parent,
            ancestry=parent.ancestry_for_child() if parent else "",
            thread_key=parent.conversation_key if parent else None,
            name="Threaded visitor",
            email="t@example.org",
            text="Some thoughts.\nOn two lines, with https://example.org/a-link",
            status=Comment.Status.APPROVED,
            submitted_at=when,
        )

    for _ in range(reply_count // 5):
        root = add()
        first = add(root)
        add(first)
        second = add(root)
        add(second)
    return post


if __name__ == "__main__":
    main()
