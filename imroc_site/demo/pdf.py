"""Readable demo PDFs of a chosen size, written by hand so every run yields the same bytes."""

from bisect import bisect_right
from collections.abc import Iterator

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4 in points
MARGIN = 72
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
TOP, BOTTOM = PAGE_HEIGHT - MARGIN, MARGIN
TITLE_SIZE, BODY_SIZE = 18, 11

# Helvetica advance widths (1/1000 em), rounded up per class of glyph: wrapping only needs to
# stay inside the margin, and the full metrics table would dwarf this module.
_WIDTH_CLASSES = {278: " ijl.,:;'’!|ftI[]/", 333: "r()-“”", 1015: "mMW%@—"}


def _char_width(char: str) -> int:
    for width, chars in _WIDTH_CLASSES.items():
        if char in chars:
            return width
    return 778 if char.isupper() else 584


def _wrap(text: str, size: int) -> list[str]:
    limit = TEXT_WIDTH * 1000 / size
    lines, line, width = [], "", 0
    for word in text.split():
        word_width = sum(map(_char_width, word))
        if line and width + 278 + word_width > limit:
            lines.append(line)
            line, width = "", 0
        line, width = (f"{line} {word}", width + 278 + word_width) if line else (word, word_width)
    return [*lines, line] if line else lines


def _leading(size: int) -> float:
    return round(size * 1.3, 1)


def _flow(title: str, paragraphs: list[str]) -> Iterator[tuple[int, str]]:
    """Lines as (font size, text): the title, then the paragraphs over and over."""
    for line in _wrap(title, TITLE_SIZE):
        yield TITLE_SIZE, line
    while True:
        for paragraph in paragraphs:
            yield BODY_SIZE, ""
            for line in _wrap(paragraph, BODY_SIZE):
                yield BODY_SIZE, line


def _pages(lines: Iterator[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    page: list[tuple[int, str]] = []
    y = TOP
    for size, text in lines:
        if page and y - _leading(size) < BOTTOM:
            yield page
            page, y = [], TOP
        if not page and not text:
            continue  # no blank line at the top of a page
        if page:
            y -= _leading(size)
        page.append((size, text))


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: list[tuple[int, str]], number: int) -> bytes:
    ops, size = [f"BT {MARGIN} {TOP:.2f} Td".encode()], None
    for index, (line_size, text) in enumerate(lines):
        if index:
            ops.append(f"0 -{_leading(line_size)} Td".encode())
        if text:
            if line_size != size:
                ops.append(f"/F1 {line_size} Tf".encode())
                size = line_size
            ops.append(_pdf_string(text) + b" Tj")
    ops.append(f"ET\nBT /F1 9 Tf {MARGIN} 40 Td (Page {number}) Tj ET\n".encode())
    return b"\n".join(ops)


def _document(title: str, contents: list[bytes]) -> bytes:
    """The whole file: catalog 1, page tree 2, font 3, info 4, then each page and its content."""
    page_ids = [5 + 2 * index for index in range(len(contents))]
    kids = " ".join(f"{page_id} 0 R" for page_id in page_ids)
    # UTF-16 keeps characters such as "–" right in the title (PDFDocEncoding differs from cp1252).
    title_hex = ("\ufeff" + title).encode("utf-16-be").hex().upper()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        # Pages inherit the box and font from the tree, which keeps each page's overhead small.
        f"<< /Type /Pages /Kids [{kids}] /Count {len(contents)} /MediaBox [0 0 {PAGE_WIDTH} "
        f"{PAGE_HEIGHT}] /Resources << /Font << /F1 3 0 R >> >> >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Title <{title_hex}> /Producer (ImROC demo content) >>".encode(),
    ]
    for page_id, content in zip(page_ids, contents, strict=True):
        objects.append(f"<< /Type /Page /Parent 2 0 R /Contents {page_id + 1} 0 R >>".encode())
        objects.append(
            f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\n"
        f"startxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(out)


def _growing(page: list[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """The page's lines word by word, each version one word (or blank line) longer."""
    for index, (size, text) in enumerate(page):
        words = text.split()
        for cut in range(1, len(words) + 1):
            yield [*page[:index], (size, " ".join(words[:cut]))]
        if not words:
            yield page[: index + 1]


def make_pdf(title: str, paragraphs: list[str], target_size: int) -> bytes:
    """A4 pages of Helvetica text, as many as it takes for the file to weigh about target_size.

    Whole pages are added while they fit; the last page then keeps as many words as fit. The
    file ends up a few bytes, at worst about 200 bytes, below the target.
    """
    contents: list[bytes] = []
    for page in _pages(_flow(title, paragraphs)):
        number = len(contents) + 1

        def size(lines: list[tuple[int, str]], number: int = number) -> int:
            return len(_document(title, [*contents, _content(lines, number)]))

        if size(page) <= target_size:
            contents.append(_content(page, number))
            continue
        # Each version is longer than the one before, so the sizes are sorted.
        versions = list(_growing(page))
        fitting = bisect_right(versions, target_size, key=size)
        # No room for a page at all means the file is already less than one page's bookkeeping
        # (about 200 bytes) short of the target; a blank last page would look broken.
        if fitting or not contents:
            contents.append(_content(versions[max(fitting - 1, 0)], number))
        return _document(title, contents)
    raise AssertionError("unreachable: the flow of lines never ends")
