"""Byte ranges against any header (hypothesis): the parser gives exactly the bytes asked for or
declines, and the download view answers every Range and precondition quickly, never with a
server error, and with bytes that match its own headers."""

import re

import pytest
from django.test import Client
from django.utils.http import http_date
from hypothesis import given
from hypothesis import strategies as st

from documents.downloads import etag
from documents.ranges import ByteRange, RangeNotSatisfiable, if_range_allows, parse_range
from tests.conftest import answered_quickly, hostile_text, mostly, rolled_back
from tests.documents.conftest import body, content_of

pytestmark = pytest.mark.django_db

sizes = st.integers(min_value=0, max_value=10**6)
# Positions near a small file's end, some with leading zeros, and numbers no file has: past
# 18 digits, and past the 4,300 digits Python's int() will read.
positions = st.one_of(
    st.integers(min_value=0, max_value=30_000).map(str),
    st.integers(min_value=0, max_value=30_000).map(lambda number: f"{number:08}"),
    st.sampled_from(["999999999999999999", "1" + "0" * 18, "9" * 40, "9" * 5_000]),
)
spaces = st.sampled_from(["", " ", "\t", "  "])


@st.composite
def range_specs(draw) -> tuple[str, str | None, str | None]:
    """One range as written ("5-9", "5-", "-9"), with the positions it names."""
    first = draw(st.none() | positions)
    last = draw(st.none() | positions)
    return f"{first or ''}-{last or ''}", first, last


@st.composite
def well_formed_ranges(draw) -> str:
    """Range headers as clients write them, right or wrong: any unit's case, spaces, lists."""
    unit = draw(st.sampled_from(["bytes", "Bytes", "BYTES", " bytes ", "items", "byte", ""]))
    specs = draw(st.lists(range_specs(), min_size=1, max_size=3))
    separator = draw(st.sampled_from([",", ", ", " ,", ",,"]))
    pad = draw(spaces)
    return f"{unit}={separator.join(pad + spec + pad for spec, _, _ in specs)}"


latin1_text = st.text(st.characters(max_codepoint=255), max_size=80)
single_ranges = range_specs().map(lambda spec: f"bytes={spec[0]}")


range_headers = mostly(single_ranges, well_formed_ranges(), latin1_text, hostile_text(80))


def test_a_single_byte_range_gets_exactly_the_bytes_it_names_within_the_file():
    @given(range_specs(), sizes, spaces, spaces)
    def check(spec, size, before, after):
        written, first, last = spec
        header = f"bytes={before}{written}{after}"
        if _unusable(first, last):  # RFC 9110 §14.2 lets a server ignore it: the whole file
            assert parse_range(header, size) is None
            return
        wanted = _bytes_named(first, last, size)
        if not wanted:
            with pytest.raises(RangeNotSatisfiable):
                parse_range(header, size)
            return
        byte_range = parse_range(header, size)
        assert byte_range is not None
        assert range(byte_range.start, byte_range.end + 1) == wanted
        assert byte_range.length == len(wanted)

    check()


def _unusable(first: str | None, last: str | None) -> bool:
    """No number at all, a number no file reaches (over 18 digits), or an end before the start."""
    numbers = [number for number in (first, last) if number is not None]
    if not numbers or any(len(number) > 18 for number in numbers):
        return True
    return first is not None and last is not None and int(last) < int(first)


def _bytes_named(first: str | None, last: str | None, size: int) -> range:
    """RFC 9110 §14.1.2: first-last (inclusive), first to the end, or the last `last` bytes;
    what lies past the end of the file is not there to send."""
    if first is None:
        return range(max(size - int(last or 0), 0), size)
    end = size if last is None else min(int(last) + 1, size)
    return range(int(first), end)


def test_any_range_header_is_used_refused_or_ignored_never_an_error():
    @given(range_headers, sizes)
    def check(header, size):
        try:
            byte_range = parse_range(header, size)
        except RangeNotSatisfiable:
            return
        if byte_range is not None:
            assert isinstance(byte_range, ByteRange)
            assert 0 <= byte_range.start <= byte_range.end < size

    check()


def test_any_if_range_header_is_judged_without_error(paper):
    current = etag(paper)

    @given(st.one_of(st.just(current), st.just("W/" + current), latin1_text, hostile_text(60)))
    def check(header):
        allowed = if_range_allows(header, current_etag=current, last_modified=paper.file_updated_at)
        if header.strip().startswith(('"', "W/")):  # an entity tag: only ours, strongly
            assert allowed is (header.strip() == current)
        else:  # a date: only Last-Modified itself
            assert allowed is (header.strip() == http_date(paper.file_updated_at.timestamp()))

    check()


def test_downloads_answer_any_range_and_preconditions_quickly_with_consistent_bytes(paper):
    content = content_of(paper)
    validators = st.sampled_from(
        [
            etag(paper),
            "W/" + etag(paper),
            '"other"',
            "*",
            http_date(paper.file_updated_at.timestamp()),
        ]
    )
    headers = st.fixed_dictionaries(
        {"Range": range_headers},
        optional={
            name: mostly(validators, latin1_text, hostile_text(40))
            for name in ("If-Range", "If-None-Match", "If-Match", "If-Modified-Since")
        },
    )
    url = paper.get_download_url()
    body(Client().get(url))  # warmed up before the clock starts

    @given(headers, st.sampled_from(["get", "get", "head"]))
    def check(sent, method):
        with rolled_back():
            response = answered_quickly(lambda: getattr(Client(), method)(url, headers=sent))
            received = body(response)
            assert response.status_code in (200, 206, 304, 412, 416)
            if method == "head":  # the whole file described, nothing sent
                assert received == b"" and response.status_code != 206
            elif response.status_code == 200:
                assert received == content
            elif response.status_code == 206:
                start, end, size = map(int, _content_range(response["Content-Range"]))
                assert size == len(content) and 0 <= start <= end < size
                assert received == content[start : end + 1]
                assert response["Content-Length"] == str(len(received))
            elif response.status_code == 416:
                assert response["Content-Range"] == f"bytes */{len(content)}"

    check()


def _content_range(value: str) -> tuple[str, ...]:
    match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", value)
    assert match, value
    return match.groups()
