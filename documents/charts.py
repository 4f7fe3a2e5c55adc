"""The admin's chart of a paper's downloads per day, drawn as SVG bars by a template."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils import timezone

from documents.models import Document

CHART_DAYS = 90
CHART_BAR_WIDTH, CHART_HEIGHT = 6, 80


@dataclass
class Bar:
    day: date
    count: int
    x: int
    y: int
    height: int


def downloads_chart(document: Document) -> str:
    """The last CHART_DAYS days of downloads of `document` as HTML, with the totals."""
    today = timezone.localdate()
    start = today - timedelta(days=CHART_DAYS - 1)
    days = document.download_days.filter(day__gte=start, day__lte=today)
    counts = dict(days.values_list("day", "count"))
    highest = max(counts.values(), default=0)
    bars = [_bar(day, count, start, highest) for day, count in sorted(counts.items()) if count]
    context = {
        "bars": bars,
        "recent": sum(counts.values()),
        "total": document.download_count,
        "days": CHART_DAYS,
        "start": start,
        "end": today,
        "width": CHART_DAYS * CHART_BAR_WIDTH,
        "height": CHART_HEIGHT,
        "bar_width": CHART_BAR_WIDTH - 1,
    }
    return render_to_string("admin/documents/document/_downloads_chart.html", context)


def _bar(day: date, count: int, start: date, highest: int) -> Bar:
    height = max(1, round(count / highest * CHART_HEIGHT))  # a single download still shows
    return Bar(day, count, (day - start).days * CHART_BAR_WIDTH, CHART_HEIGHT - height, height)
