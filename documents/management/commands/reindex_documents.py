"""Read every paper's file again, for upgrades that learn to read more from papers."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from documents.ingest import reindex
from documents.models import Document


class Command(BaseCommand):
    help = (
        "Recompute each paper's type, pages, SHA-256, text, accessibility report and "
        "previews from its stored file. Titles staff wrote and upload dates are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("pks", nargs="*", type=int, help="Only these papers (by id).")

    def handle(self, *args, pks, **options):
        documents = Document.objects.order_by("pk")
        if pks:
            documents = documents.filter(pk__in=pks)
        done = failed = 0
        # By id, one at a time: each paper's text can be megabytes, and rows change as we go.
        for pk in list(documents.values_list("pk", flat=True)):
            document = Document.objects.get(pk=pk)
            try:
                reindex(document)
            except (ValidationError, OSError, ValueError) as error:  # ValueError: no file
                failed += 1
                reason = "; ".join(getattr(error, "messages", [str(error)]))
                self.stderr.write(f"Paper {document.pk} “{document}” left as it was: {reason}")
            else:
                done += 1
        self.stdout.write(f"Read again: {done} paper{'s' * (done != 1)}; failed: {failed}.")
