"""Every kind of public page, as a new visitor meets it, with the demo content loaded.

Each page opens in a fresh browser context (no cookies, no cache) and must have:
- no accessibility violation that axe-core finds;
- exactly one <h1>;
- a skip link that the first Tab reaches and that moves focus to <main>;
- no console error, uncaught error or Content Security Policy violation;
- no request to anywhere but the live server.

The data is loaded once and the pages are checked as subtests, so one failing page does not
hide the others and the whole file stays quick. Two mobile-size screenshots are left in
test-results/ for humans to look at.
"""

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from documents.models import Document
from news.models import Post
from news.preview import preview_path
from tests.factories import make_post

from .conftest import PageWatch, assert_no_axe_violations, fill_reply

SEED_POST = "/news/recovery-the-business-case-and-co-production/"
SEED_TITLE = (
    "Recovery: the Business Case and Co-production – "
    "Sharing Our Experiences, Reflecting on Our Learning"
)
EVENT_POST = "/news/recovery-college-open-day/"
IMAGE_POST = "/news/ten-organisational-challenges/"
APPROVED_REPLY_BY = "Sarah Mitchell"  # both replies are in the demo content
PENDING_REPLY_BY = "Tom Reid"
DRAFT_TITLE = "Draft: our plans for next year"
EXTRA_POSTS = 6  # with the demo's five, enough for a second page of the listing (10 a page)
MOBILE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class PublicPage:
    name: str
    path: str
    heading: str | re.Pattern  # the text of its one <h1>
    status: int = 200


PAGES = [
    PublicPage("home", "/", "Latest News and Events"),
    PublicPage("listing", "/news/", "All news and events"),
    PublicPage("listing, page 2", "/news/?page=2", "All news and events"),
    PublicPage("category News", "/news/category/news/", "News"),
    PublicPage("category Events", "/news/category/events/", "Events"),
    PublicPage("tag", "/news/tag/recovery/", "Posts tagged “Recovery”"),
    PublicPage("year", "/news/2014/", "News and events from 2014"),
    PublicPage("month", "/news/2014/3/", "News and events from March 2014"),
    PublicPage("post with papers and replies", SEED_POST, SEED_TITLE),
    PublicPage("event post", EVENT_POST, "Recovery College open day"),
    PublicPage("post with an image", IMAGE_POST, "The ten organisational challenges, revisited"),
    PublicPage("search form", "/search/", "Search"),
    PublicPage("search results", "/search/?q=recovery", "Search results"),
    PublicPage("search, no results", "/search/?q=xylophone", "Search results"),
    PublicPage("papers library", "/papers/", "Papers"),
    PublicPage("papers library, searched", "/papers/?q=recovery&sort=title", "Papers"),
    PublicPage("privacy notice", "/privacy/", "Privacy notice"),
    PublicPage("404", "/news/no-such-post/", "Page not found", status=404),
]

# Not HTML, so not for axe: they only have to answer, with the right type.
FILES = {
    "/feeds/rss/": "application/rss+xml",
    f"{EVENT_POST}event.ics": "text/calendar",
}


@pytest.fixture
def demo_site(site_categories):
    """The demo content, more posts for a second listing page, and a draft to preview."""
    call_command("load_demo_content", stdout=io.StringIO())
    for number in range(EXTRA_POSTS):
        # Older than the demo's posts, so the home page still shows those first.
        make_post(
            title=f"Programme update {number + 1}",
            published_at=datetime(2012, 1, number + 1, 9, 0, tzinfo=UTC),
        )
    draft = make_post(title=DRAFT_TITLE, slug="draft-plans", status=Post.Status.DRAFT)
    paper = Document.objects.get(title="Recovery: the Business Case")
    return {"preview_path": preview_path(draft), "paper": paper}


class Visitor:
    """One fresh browser context and its page, watched from the first request."""

    def __init__(self, new_context, origin: str, **context_args):
        self.context = new_context(**context_args)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.watch = PageWatch(self.page, origin)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.context.close()


def assert_skip_link_works(page: Page) -> None:
    """The first Tab reaches "Skip to main content"; following it puts focus on <main>."""
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def assert_sound_page(page: Page, watch: PageWatch, heading, *, skip_link=True) -> None:
    """The checks every page must pass, in the state it is in now."""
    h1 = page.locator("h1")
    expect(h1).to_have_count(1)
    expect(h1).to_have_text(heading)
    if skip_link:
        assert_skip_link_works(page)
    assert_no_axe_violations(page)
    watch.assert_clean(page.url)


def open_and_check(new_context, origin: str, public: PublicPage) -> None:
    with Visitor(new_context, origin) as visitor:
        if public.status >= 400:
            visitor.watch.expect_failure(public.path)
        response = visitor.page.goto(public.path)
        assert response.status == public.status, f"{public.path} answered {response.status}"
        assert_sound_page(visitor.page, visitor.watch, public.heading)


def check_content(new_context, origin: str) -> None:
    """Spot checks that the pages show what the demo holds, not merely something."""
    with Visitor(new_context, origin) as visitor:
        page = visitor.page
        page.goto("/")
        expect(page.get_by_role("heading", name="Upcoming events")).to_be_visible()
        page.goto("/news/")
        pages = page.get_by_role("navigation", name="Pages")
        expect(pages.get_by_role("link", name="Page 2", exact=True)).to_be_visible()
        page.goto(SEED_POST)
        expect(page.get_by_role("heading", name="Papers")).to_be_visible()
        expect(page.get_by_role("link", name=re.compile(r"Download \(PDF,"))).to_have_count(2)
        expect(page.get_by_role("navigation", name="More posts")).to_be_visible()
        # A new visitor sees the approved reply, never the one still awaiting moderation.
        expect(page.get_by_role("heading", name=re.compile("2 replies to"))).to_be_visible()
        expect(page.get_by_text(APPROVED_REPLY_BY, exact=True)).to_be_visible()
        expect(page.get_by_text(PENDING_REPLY_BY, exact=True)).to_have_count(0)
        expect(page.get_by_role("heading", name="Leave a Reply")).to_be_visible()
        visitor.watch.assert_clean("content checks")


def send_reply_to_seed_post(page: Page, email: str, text: str | None) -> None:
    """Open the seed post and send its reply form as Rosa Visitor."""
    page.goto(SEED_POST)
    fill_reply(page, "Rosa Visitor", email, text)
    page.get_by_role("button", name="Post Comment").click()


def check_invalid_reply(new_context, origin: str) -> None:
    """A reply with mistakes: the errors are announced, focused and lead to their fields."""
    with Visitor(new_context, origin) as visitor:
        page = visitor.page
        send_reply_to_seed_post(page, "not an email address", None)  # and no comment

        summary = page.get_by_role("alert").filter(has_text="Your reply was not sent yet")
        expect(summary).to_be_visible()
        # The browser puts focus on the summary (the form posts to its #fragment), so the
        # first Tab goes to its first error, not to the skip link: that is what we want.
        expect(summary).to_be_focused()
        page.keyboard.press("Tab")
        first_error = summary.get_by_role("link").first
        expect(first_error).to_be_focused()
        expect(first_error).to_have_text(re.compile("^Email: "))
        page.keyboard.press("Enter")
        expect(page.get_by_role("textbox", name="Email", exact=True)).to_be_focused()
        expect(summary.get_by_role("link", name=re.compile("^Comment: "))).to_be_visible()

        assert_sound_page(page, visitor.watch, SEED_TITLE, skip_link=False)


def check_valid_reply(new_context, origin: str) -> None:
    """A good reply: the visitor lands on it, awaiting moderation, and only they see it."""
    with Visitor(new_context, origin) as visitor:
        page = visitor.page
        send_reply_to_seed_post(page, "rosa@example.org", "Thank you: both papers are very useful.")

        expect(page).to_have_url(re.compile(rf"{re.escape(SEED_POST)}#comment-\d+$"))
        expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
        # Landing on #comment-N, the first Tab starts from the reply, not the page top.
        assert_sound_page(page, visitor.watch, SEED_TITLE, skip_link=False)

        # The same page, opened again from the top, still shows the pending reply to them.
        page.goto(SEED_POST)
        expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
        assert_sound_page(page, visitor.watch, SEED_TITLE)


def check_preview(new_context, origin: str, path: str) -> None:
    with Visitor(new_context, origin) as visitor:
        page = visitor.page
        response = page.goto(path)
        assert response.status == 200, f"the preview link answered {response.status}"
        expect(page.get_by_text("Preview: this is how the post will look")).to_be_visible()
        assert_sound_page(page, visitor.watch, DRAFT_TITLE)


def check_files(new_context, origin: str) -> None:
    with Visitor(new_context, origin) as visitor:
        for path, content_type in FILES.items():
            response = visitor.context.request.get(path)
            assert response.status == 200, f"{path} answered {response.status}"
            assert response.headers["content-type"].startswith(content_type), path


def take_mobile_screenshots(new_context, origin: str, folder: Path) -> None:
    """For humans reviewing a run; nothing is asserted about them."""
    folder.mkdir(parents=True, exist_ok=True)
    with Visitor(
        new_context, origin, viewport=MOBILE, is_mobile=True, has_touch=True, device_scale_factor=2
    ) as visitor:
        for name, path in (("home", "/"), ("post", SEED_POST)):
            visitor.page.goto(path)
            visitor.page.screenshot(path=folder / f"mobile-{name}.png", full_page=True)


def test_every_public_page(live_server, new_context, demo_site, subtests, output_path):
    origin = live_server.url
    for public in PAGES:
        with subtests.test(msg=public.name, path=public.path):
            open_and_check(new_context, origin, public)
    paper = demo_site["paper"]
    with subtests.test(msg="a paper's page"):
        open_and_check(
            new_context, origin, PublicPage("paper", paper.get_absolute_url(), paper.title)
        )
    with subtests.test(msg="content of the pages"):
        check_content(new_context, origin)
    with subtests.test(msg="post after an invalid reply"):
        check_invalid_reply(new_context, origin)
    with subtests.test(msg="post after a valid reply"):
        check_valid_reply(new_context, origin)
    with subtests.test(msg="preview link"):
        check_preview(new_context, origin, demo_site["preview_path"])
    with subtests.test(msg="feed and calendar file"):
        check_files(new_context, origin)
    take_mobile_screenshots(new_context, origin, Path(output_path))
