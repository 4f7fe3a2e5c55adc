"""Charts of downloads per day, drawn as SVG bars by a template: one paper's, or all papers'."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone

from documents.models import Document, DownloadDay

CHART_DAYS = 90
CHART_BAR_WIDTH, CHART_HEIGHT = 6, 80
TOP_PAPERS = 5


@dataclass
class Bar:
    day: date
    count: int
    x: int
    y: int
    height: int


def chart_window() -> tuple[date, date]:
    """The first and last day the charts show (UK time), today included."""
    today = timezone.localdate()
    return today - timedelta(days=CHART_DAYS - 1), today


def downloads_chart(document: Document) -> str:
    """The last CHART_DAYS days of downloads of `document` as HTML, with the totals."""
    start, end = chart_window()
    days = document.download_days.filter(day__gte=start, day__lte=end)
    return _render(dict(days.values_list("day", "count")), document.download_count)


def all_downloads_chart() -> str:
    """The last CHART_DAYS days of downloads of every paper, added up per day (two queries)."""
    start, end = chart_window()
    days = DownloadDay.objects.filter(day__gte=start, day__lte=end).order_by()
    counts = dict(days.values("day").annotate(total=Sum("count")).values_list("day", "total"))
    total = Document.objects.aggregate(total=Sum("download_count"))["total"] or 0
    return _render(counts, total)


def top_papers(limit: int = TOP_PAPERS) -> list[dict]:
    """The papers downloaded most over the chart's days: id, title and count (one query)."""
    start, end = chart_window()
    days = DownloadDay.objects.filter(day__gte=start, day__lte=end).order_by()
    ranked = (
        days.values("document_id", "document__title")
        .annotate(downloads=Sum("count"))
        .order_by("-downloads", "document__title")
    )
    return [
        {"id": row["document_id"], "title": row["document__title"], "downloads": row["downloads"]}
        for row in ranked[:limit]
    ]


def _render(counts: dict[date, int], total: int) -> str:
    start, end = chart_window()
    highest = max(counts.values(), default=0)
    bars = [_bar(day, count, start, highest) for day, count in sorted(counts.items()) if count]
    context = {
        "bars": bars,
        "recent": sum(counts.values()),
        "total": total,
        "days": CHART_DAYS,
        "start": start,
        "end": end,
        "width": CHART_DAYS * CHART_BAR_WIDTH,
        "height": CHART_HEIGHT,
        "bar_width": CHART_BAR_WIDTH - 1,
    }
    return render_to_string("admin/documents/document/_downloads_chart.html", context)


def _bar(day: date, count: int, start: date, highest: int) -> Bar:
    height = max(1, round(count / highest * CHART_HEIGHT))  # a single download still shows
    return Bar(day, count, (day - start).days * CHART_BAR_WIDTH, CHART_HEIGHT - height, height)
