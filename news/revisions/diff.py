"""Comparing two states of a post, field by field, as escaped HTML for staff.

Works on the dicts of `news.revisions.record` (`content` of a revision, `snapshot` of the post
as it is now): long text is compared line by line with a little context, short text word by
word; removed text is marked with <del> and added text with <ins>.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from django.db.models import Field
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from reversion.models import Revision

from news.models import Post
from news.revisions.record import DATE_FIELDS, FIELDS, content

# Compared line by line; tags and papers are compared one item a line.
LINE_FIELDS = ("excerpt", "body", "tags", "papers")
CONTEXT_LINES = 2
# Body HTML is one long line; a line break after each block makes a diff readable.
_BLOCK_END = re.compile(r"(</(?:p|h[1-6]|li|ul|ol|blockquote)>|<br\s*/?>|<hr\s*/?>)", re.I)
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    diff: SafeString  # escaped HTML; <del> and <ins> mark what went and what came


def changed_fields(old: dict, new: dict) -> list[str]:
    return [name for name in FIELDS if old.get(name) != new.get(name)]


def diff_revisions(older: Revision, newer: Revision) -> list[FieldChange]:
    """What changed from one revision to another, field by field."""
    return diff_contents(content(older), content(newer))


def diff_contents(old: dict, new: dict) -> list[FieldChange]:
    changes = []
    for name in changed_fields(old, new):
        if name in LINE_FIELDS:
            diff = _line_diff(_lines(name, old.get(name)), _lines(name, new.get(name)))
        else:
            diff = _inline_diff(_display(name, old.get(name)), _display(name, new.get(name)))
        changes.append(FieldChange(name, field_label(name), diff))
    return changes


def field_label(name: str) -> str:
    if name == "papers":
        return "Attached papers"
    field = Post._meta.get_field(name)
    assert isinstance(field, Field)  # nosec B101 # a post's own field, never a relation to it
    return capfirst(str(field.verbose_name))


def describe(revision: Revision) -> str:
    """“12 March 2026, 14:05 by alice”, for notes and headings."""
    when = _format_time(revision.date_created)
    user = revision.user
    return f"{when} by {user.get_full_name() or user.get_username()}" if user else when


def _display(name: str, value) -> str:
    if value in (None, ""):
        return ""
    if name == "category":
        return value["name"]
    if name == "status":
        return dict(Post.Status.choices).get(value, value)
    if name in DATE_FIELDS:
        when = parse_datetime(value)
        assert when is not None  # nosec B101 # kept by record.time_text: always a valid time
        return _format_time(when)
    return str(value)


def _lines(name: str, value) -> list[str]:
    if not value:
        return []
    if name == "tags":
        return list(value)
    if name == "papers":
        return [paper["title"] for paper in value]
    if name == "body":
        value = _BLOCK_END.sub(r"\1\n", value)
    return [line for line in value.splitlines() if line.strip()]


def _line_diff(old: list[str], new: list[str]) -> SafeString:
    """Changed lines with a little context around them; changed words marked within a line."""
    rows = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for number, group in enumerate(matcher.get_grouped_opcodes(CONTEXT_LINES)):
        if number:
            rows.append(("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            gone, came = old[i1:i2], new[j1:j2]
            if tag == "equal":
                rows.extend(("same", line) for line in gone)
            else:
                rows.extend(_replaced_lines(gone, came))
    lines = format_html_join("", '<div class="diff-line diff-{}">{}</div>', rows)
    return format_html('<div class="revision-diff">{}</div>', lines)


def _replaced_lines(gone: list[str], came: list[str]):
    """Rows for lines replaced by others: a line edited in place shows its changed words."""
    start = 0
    for line in gone:
        match = next((k for k in range(start, len(came)) if _similar(line, came[k])), None)
        if match is None:
            yield "removed", format_html("<del>{}</del>", line)
            continue
        yield from (("added", format_html("<ins>{}</ins>", new)) for new in came[start:match])
        yield "changed", _inline_diff(line, came[match])
        start = match + 1
    yield from (("added", format_html("<ins>{}</ins>", new)) for new in came[start:])


def _inline_diff(old: str, new: str) -> SafeString:
    """The new text with removed words in <del> and added words in <ins>, all escaped."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    parts = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        gone, came = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            parts.append(escape(gone))
            continue
        if gone:
            parts.append(format_html("<del>{}</del>", gone))
        if came:
            parts.append(format_html("<ins>{}</ins>", came))
    return format_html_join("", "{}", ((part,) for part in parts))


def _similar(old: str, new: str) -> bool:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    # The cheap upper bounds first: most pairs of unrelated lines stop there.
    return (
        matcher.real_quick_ratio() >= 0.6
        and matcher.quick_ratio() >= 0.6
        and matcher.ratio() >= 0.6
    )


def _format_time(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "j F Y, H:i")
