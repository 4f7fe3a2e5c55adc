"""A generated export of 1,000 posts with replies: progress is shown as it goes, everything
comes over, and the reader's memory stays flat however long the file is."""

import io
import tracemalloc

import pytest
from django.core.management import call_command

from comments.models import Comment
from news.models import Post
from tests.wordpress_export import many_posts, write_export
from wordpress.wxr import Item, read

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_a_thousand_posts_import_with_progress_lines(tmp_path):
    export = write_export(tmp_path / "big.xml", many_posts(1_000, replies_per_post=3))
    out = io.StringIO()
    call_command("import_wordpress", str(export), stdout=out)
    output = out.getvalue()
    # Not a terminal: plain lines every hundred posts, then the summary.
    assert "100 of 1000 posts" in output and "1000 of 1000 posts" in output
    assert Post.objects.published().count() == 1_000
    assert Comment.objects.approved().count() == 3_000
    assert Comment.objects.filter(parent__isnull=False).count() == 1_000


def _peak_reading(path) -> int:
    tracemalloc.start()
    try:
        count = sum(1 for record in read(path) if isinstance(record, Item))
        return count and tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_ten_times_the_posts_takes_no_more_memory(tmp_path):
    small = write_export(tmp_path / "small.xml", many_posts(1_000, replies_per_post=3))
    large = write_export(tmp_path / "large.xml", many_posts(10_000, replies_per_post=3))
    small_peak, large_peak = _peak_reading(small), _peak_reading(large)
    assert large.stat().st_size > 9 * small.stat().st_size
    assert large_peak < small_peak * 1.5 + 200_000, (small_peak, large_peak)
