"""Accessibility of a paper: the report staff read (its wording) and the offer of another format.

The facts come from reading the file (documents.pdf); this module turns them into the
sentences staff see in the admin and visitors on the paper's page.
"""

from urllib.parse import quote

from django.conf import settings


def report(facts: dict, *, text_read: bool) -> dict:
    """The facts read from a PDF, with a sentence for staff on each thing missing."""
    return {**facts, "problems": _problems(facts, text_read=text_read)}


def locked_report() -> dict:
    """The report of a PDF that needs a password: nothing could be checked."""
    return {
        "tagged": False,
        "language": "",
        "has_title": False,
        "shows_title": False,
        "text_pages": 0,
        "pages": 0,
        "problems": [
            "Needs a password to open: screen readers cannot read it, and nothing else in it "
            "could be checked."
        ],
    }


def accessible_format_mailto(title: str) -> str:
    """A mailto: link asking for a paper in another format, or "" when nobody is named."""
    email = settings.DOCUMENTS_ACCESSIBLE_FORMAT_EMAIL
    if not email:
        return ""
    return f"mailto:{email}?subject={quote(f'Accessible format: {title}', safe='')}"


def _problems(report: dict, *, text_read: bool) -> list[str]:
    checks = [
        (
            not report["tagged"],
            "No tags: screen readers cannot tell headings, lists and tables from the body "
            "text. Export it again with tags for accessibility switched on.",
        ),
        (
            not report["language"],
            "No language set: screen readers may read it with the wrong voice. Set the "
            "document's language (for example English, UK) before exporting.",
        ),
        (
            not report["has_title"],
            "No title in the file's properties: screen readers announce the file name "
            "instead. Fill in the title in the document's properties before exporting.",
        ),
        (
            report["has_title"] and not report["shows_title"],
            "Readers show the file name instead of the title: turn on “display document "
            "title” in the PDF's initial view settings.",
        ),
    ]
    problems = [sentence for missing, sentence in checks if missing]
    return problems + _text_problems(report, text_read=text_read)


def _text_problems(report: dict, *, text_read: bool) -> list[str]:
    pages, text_pages = report["pages"], report["text_pages"]
    if not text_read:
        return ["Its text could not be read, so it could not be checked or searched."]
    if not text_pages:
        return [
            "No text on any page: it looks like scanned images, so screen readers and search "
            "find nothing. Run text recognition (OCR) on it, or export it from the original."
        ]
    if text_pages < pages:
        return [
            f"{pages - text_pages} of {pages} pages have no text (scanned images?): screen "
            "readers skip them. Run text recognition (OCR) on those pages."
        ]
    return []
