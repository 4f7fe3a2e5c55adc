"""A site moved in from WordPress (issue 13), in a real browser: a real WordPress 6.1 export
(tests/wordpress/real_export) is imported, then a visitor follows an old link, reads the seed
post, downloads both papers byte-identical from their "Download (PDF, …KB)" links and sees the
approved replies threaded, and nothing unpublished; the page passes axe at both sizes."""

import hashlib
import io
import json
import re
from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import Page, expect

from .conftest import assert_no_axe_violations

REAL = Path(__file__).resolve().parents[1] / "wordpress" / "real_export"
EXPECTED = json.loads((REAL / "expected.json").read_text())
SEED = EXPECTED["posts"][0]
OLD_LINK = SEED["expected"]["old_addresses"][0]


def test_a_visitor_finds_the_moved_site_as_it_was(live_server, page: Page, site_categories):
    call_command(
        "import_wordpress",
        str(REAL / "export.xml"),
        "--media-dir",
        str(REAL / "uploads"),
        stdout=io.StringIO(),
    )
    page.set_default_timeout(10_000)
    page.goto(OLD_LINK)  # an old permalink: redirected to the post's new address
    expect(page.get_by_role("heading", name=SEED["title"], level=1)).to_be_visible()
    assert page.url.endswith("/news/recovery-the-business-case-and-co-production/")

    for attachment in EXPECTED["attachments"][:2]:
        label = attachment["expected"]["download_label"]
        link = page.get_by_role("link", name=re.compile(re.escape(label))).first
        with page.expect_download() as download_info:
            link.click()
        content = Path(download_info.value.path()).read_bytes()
        assert hashlib.sha256(content).hexdigest() == attachment["sha256"]

    replies = page.locator(".comment-text")
    expect(replies.filter(has_text="Tom Reid")).to_have_count(0)  # pending: not shown
    for name in ("Sarah Mitchell", "James Okafor"):
        expect(page.get_by_text(name, exact=True).first).to_be_visible()
    # James answers Sarah, and the team answers James: each inside the one before.
    sarah = page.locator("li", has_text="Sarah Mitchell").first
    expect(sarah.locator("li", has_text="James Okafor")).to_have_count(1)

    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_no_axe_violations(page)

    # Nothing unpublished is told: the private post's old address leads nowhere.
    response = page.goto("/?p=10")
    assert response.status == 200 and "Board minutes" not in page.content()
