"""Settings for the test suite (pytest's DJANGO_SETTINGS_MODULE): base, and what only tests need."""

import os
import tempfile
from pathlib import Path

from imroc_site.settings.base import *  # noqa: F403
from imroc_site.settings.base import DATABASES, STORAGES

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests get a file too, not Django's shared in-memory database: a live server's threads
    # then each have their own connection, under WAL and the busy timeout, as in production.
    # One per test run (by process), so two runs at once never share one.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"imroc-test-{os.getpid()}.sqlite3")
    }

# Static files are served by the finders: tests need no collectstatic run (and its manifest).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests render every page they ask for: what they check (queries per page, what each visitor
# sees) is the work behind a page. The kept pages have their own tests, which turn it on
# (tests/site/test_page_cache.py).
PAGE_CACHE_SECONDS = 0

# A fast hash for the suite's many staff passwords: production's PBKDF2 takes about 0.3 s a
# hash on purpose, which made up much of the suite's time. Tests about hashing set their own
# (tests/site/conftest.py counts the hashes a sign-in computes).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
