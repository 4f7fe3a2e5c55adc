"""`manage.py import_wordpress EXPORT.xml`: the options, a progress bar, the summary table.

Everything it does is wordpress.services.import_export; this only reads the arguments and
shows what the service reports.
"""

import sys
from pathlib import Path
from typing import IO, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from wordpress.context import Options
from wordpress.mappings import MappingError, check_authors, check_categories, read_pairs
from wordpress.media import FETCH_TIMEOUT, MediaSource
from wordpress.services import import_export
from wordpress.summary import FAILED, RESULTS, Outcome, Summary
from wordpress.summary import Progress as Step
from wordpress.wxr import MalformedExport


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools › Export, WXR 1.1/1.2): posts, pages, categories, "
        "tags, authors, PDFs, featured images and comments, with the old addresses redirected. "
        "Safe to run again: unchanged items are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="The .xml file WordPress exported.")
        media = parser.add_mutually_exclusive_group()
        media.add_argument(
            "--media-dir",
            type=Path,
            help="A copy of the old site's wp-content/uploads folder.",
        )
        media.add_argument(
            "--media-base-url",
            help="The old site's uploads address, e.g. https://old.example.org/wp-content/uploads",
        )
        parser.add_argument(
            "--media-timeout",
            type=float,
            default=FETCH_TIMEOUT,
            metavar="SECONDS",
            help=f"With --media-base-url: give up on a file after this long without bytes "
            f"(default {FETCH_TIMEOUT}).",
        )
        parser.add_argument(
            "--author-map",
            action="append",
            default=[],
            metavar="FILE_OR_PAIR",
            help="WordPress login → existing username: a .csv/.json file, or login=username.",
        )
        parser.add_argument(
            "--category-map",
            action="append",
            default=[],
            metavar="FILE_OR_PAIR",
            help="WordPress category slug → category slug here, e.g. events=events.",
        )
        parser.add_argument(
            "--pages-category",
            metavar="SLUG",
            help="Import pages as posts in this category (otherwise pages are skipped).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report exactly what would happen and change nothing.",
        )

    def handle(self, *args, export: Path, dry_run=False, **options):
        if not export.is_file():
            raise CommandError(f"{export} is not a file.")
        if options["media_dir"] and not options["media_dir"].is_dir():
            raise CommandError(f"--media-dir {options['media_dir']} is not a folder.")
        try:
            authors = check_authors(read_pairs(options["author_map"]))
            categories = read_pairs(options["category_map"])
            check_categories(categories, options["pages_category"])
            media = MediaSource(
                folder=options["media_dir"],
                base_url=options["media_base_url"],
                timeout=options["media_timeout"],
            )
        except (MappingError, ValueError) as error:
            raise CommandError(str(error)) from error
        settings = Options(
            media=media,
            author_map=authors,
            category_map=categories,
            pages_category=options["pages_category"],
            dry_run=dry_run,
        )
        # The stream under Django's OutputWrapper, which would end every chunk rich writes
        # with a line break.
        stream = cast(IO[str], self.stdout._out)  # noqa: SLF001
        console = Console(file=stream, highlight=False, markup=False, soft_wrap=True)
        try:
            summary = self._run(export, settings, console)
        except MalformedExport as error:
            raise CommandError(f"{export}: {error} Nothing was imported.") from error
        self._summarise(summary, console, dry_run=dry_run)
        if summary.failed:
            raise CommandError("Some items failed (listed above); the others were imported.")

    def _run(self, export: Path, settings: Options, console: Console) -> Summary:
        events = import_export(export, options=settings)
        interactive = console.is_terminal
        bar = Progress(
            TextColumn("Posts"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not interactive,
        )
        with bar:
            task = bar.add_task("posts", total=None)
            while True:
                try:
                    event = next(events)
                except StopIteration as end:
                    return end.value
                if isinstance(event, Step):
                    bar.update(task, completed=event.done, total=event.total)
                    if not interactive and (event.done % 100 == 0 or event.done == event.total):
                        console.print(f"{event.done} of {event.total} posts")
                elif isinstance(event, Outcome) and event.result == FAILED:
                    console.print(f"Failed: {event.kind} {event.name}: {event.reason}")

    def _summarise(self, summary: Summary, console: Console, *, dry_run: bool) -> None:
        title = "What the import would do (dry run: nothing changed)" if dry_run else "Imported"
        table = Table(title=title, title_justify="left")
        for heading in ("", *RESULTS):
            table.add_column(heading, justify="left" if not heading else "right")
        for row in summary.rows():
            table.add_row(*row)
        console.print(table)
        for (kind, result, reason), count in sorted(summary.reasons.items()):
            console.print(f"{kind} {result}: {count} × {reason}")
        for problem in summary.problems:
            console.print(
                f"{problem.result.capitalize()}: {problem.kind} {problem.name}: {problem.reason}"
            )
        for note in summary.notes:
            console.print(f"Note: {note}")
        sys.stdout.flush()
