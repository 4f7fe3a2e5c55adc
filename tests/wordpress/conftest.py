"""Shared helpers of the WordPress import tests: the export files, the uploads folder beside
them, and running the command as staff would."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from imroc_site.demo.pdf import make_pdf

FIXTURES = Path(__file__).parent / "fixtures"
SITE_EXPORT = FIXTURES / "site.xml"
# The paper the site export's seed post links to, about 20 KB.
PAPER = make_pdf("The business case for recovery", ["Recovery colleges pay."] * 40, 20_000)


def png_bytes(colour=(200, 80, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def uploads(tmp_path) -> Path:
    """A copy of the old site's wp-content/uploads: the paper, the photo, a fake PDF."""
    folder = tmp_path / "uploads"
    (folder / "2024/05").mkdir(parents=True)
    (folder / "2024/06").mkdir(parents=True)
    (folder / "2024/05/business-case.pdf").write_bytes(PAPER)
    (folder / "2024/05/group.png").write_bytes(png_bytes())
    (folder / "2024/06/fake.pdf").write_bytes(b"<html>not a pdf</html>")
    return folder


def run_import(*args, expect_failure: bool = False) -> str:
    """The command's output (a failed run's too, with its error last)."""
    out = io.StringIO()
    try:
        call_command("import_wordpress", *map(str, args), stdout=out)
    except CommandError as error:
        if not expect_failure:
            raise AssertionError(f"{error}\n{out.getvalue()}") from error
        return f"{out.getvalue()}\n{error}"
    assert not expect_failure, out.getvalue()
    return out.getvalue()


def counts_line(output: str, kind: str) -> list[str]:
    """The summary table's row for `kind`: created, updated, unchanged, edited here, skipped,
    failed."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip("│┃|").split("│")]
        if cells and cells[0] == kind:
            return cells[1:]
    raise AssertionError(f"no row for {kind} in\n{output}")
