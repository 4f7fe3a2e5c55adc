"""What comes over from a WordPress export: posts with every status, bodies, terms, authors,
papers, images and replies."""

import pytest

from tests.wordpress.conftest import SITE_EXPORT, run_import

pytestmark = pytest.mark.django_db


def test_smoke(uploads):
    output = run_import(SITE_EXPORT, "--media-dir", uploads, "--pages-category", "news")
    print(output)
    assert 0
