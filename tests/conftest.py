import os
import time
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from news.freshness import forget_moments
from tests import migration_data

# --- Property-based tests (hypothesis) ------------------------------------------------------
# "ci" (what .ci/run sets, and the default where CI is set): the same 100 examples on every
# run, so a failure in CI fails again on a laptop with HYPOTHESIS_PROFILE=ci; nothing saved
# to disk. "dev" (the default): fresh examples each run, failures kept in .hypothesis/ and
# tried first next time. Tests wrap their own examples (see tests/*/test_*_properties.py), so
# the function-scoped fixtures they use are set up once, which is what they mean.
# No deadline: hypothesis would time whole examples (two requests and a rollback) by the
# wall clock, which on a shared CI machine counts waiting for a CPU; answered_quickly() below
# holds each request to its second instead.
_PROPERTY_SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile(
    "ci", max_examples=100, derandomize=True, database=None, print_blob=True, **_PROPERTY_SETTINGS
)
settings.register_profile("dev", max_examples=100, **_PROPERTY_SETTINGS)
# Hunting for bugs by hand (HYPOTHESIS_PROFILE=thorough): minutes, not part of any run.
settings.register_profile("thorough", max_examples=2_000, **_PROPERTY_SETTINGS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# Characters that have broken web forms and pages: NUL and other controls, lone carriage
# returns, the bidirectional overrides and isolates (U+202A-202E, U+2066-2069) that reorder
# text around them, zero-width and byte-order marks, line and paragraph separators, combining
# marks, and characters outside the Basic Multilingual Plane.
AWKWARD_CHARACTERS = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\r\n\t "
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069\u2028\u2029\ufeff\ufffd\u0301\u05d0\u0627"
    "<>&\"'%\\/:@.#?=-"
    "\U0001f600\U00010000"
)

# Any text a browser could send: every Unicode character but the surrogates, which no UTF-8
# request can carry, with the awkward ones above drawn often.
any_text_character = st.one_of(
    st.sampled_from(AWKWARD_CHARACTERS), st.characters(exclude_categories=["Cs"])
)


def hostile_text(max_size: int = 200) -> st.SearchStrategy[str]:
    """Short strings of any characters, and huge ones: a pattern repeated up to 60,000
    characters, past every field's limit, yet a form of eight such fields stays under Django's
    2.5 MB request limit (DATA_UPLOAD_MAX_MEMORY_SIZE) even at four bytes a character."""
    short = st.text(any_text_character, max_size=max_size)
    huge = st.builds(
        lambda pattern, times: pattern * times,
        st.text(any_text_character, min_size=1, max_size=8),
        st.integers(min_value=1_000, max_value=7_500),
    )
    return st.one_of(short, short, short, huge)


def mostly(usual: st.SearchStrategy, *others: st.SearchStrategy) -> st.SearchStrategy:
    """`usual` three times in four, else one of the `others`: most examples then go the whole
    way through (a reply saved, a range sent), the rest try what should be refused."""
    return st.sampled_from([usual, usual, usual, st.one_of(*others)]).flatmap(lambda one: one)


# A request may use at most a second of CPU, and take at most three by the clock: the work an
# input causes, measured whatever else the machine runs, and a margin over it for waits (a
# lock, a sleep) that CPU time would not show.
MAX_CPU_SECONDS = 1
MAX_WALL_SECONDS = 3


def answered_quickly(request):
    """Make a request (a callable) and return its response, failing if it took too long (see
    MAX_CPU_SECONDS): a slow answer to a strange input is a way to tie up the site's workers."""
    wall, cpu = time.perf_counter(), time.process_time()
    response = request()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert cpu < MAX_CPU_SECONDS and wall < MAX_WALL_SECONDS, f"{cpu:.2f} s CPU, {wall:.2f} s"
    return response


def pytest_collection_modifyitems(config, items):
    """A test that starts a live server (a real server thread and committed data) is `slow`.

    Browser tests are marked in tests/browser/conftest.py; tests that start gunicorn or nginx
    are marked where they are written.
    """
    for item in items:
        if "live_server" in item.fixturenames:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads go to a fresh folder per test (static files: see imroc_site/settings/test.py)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _forgetful_caches():
    """Each test starts with no kept page (imroc_site/page_cache.py) and no kept moments
    (news/freshness.py): a database rolled back to an earlier stamp must not meet what an
    earlier test's content left under that stamp."""
    cache.clear()
    forget_moments()


@pytest.fixture(autouse=True)
def _migration_data(request):
    """Every test using the database finds what the data migrations made (staff groups, the
    News and Events categories, the discussion settings), as a real site has them, even after
    an earlier test's flush wiped them (see tests/migration_data.py): tests with committed rows
    follow such flushes, and a test within a transaction may too where the order puts it after
    one (the browser and real-server tests mix both kinds)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    migration_data.ensure_all()


@contextmanager
def rolled_back():
    """A transaction undone at its end, so each example of a property starts from the same
    rows (no flood limit or download count left by the one before)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
