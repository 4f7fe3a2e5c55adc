"""Writing and publishing a post as staff do, in a real browser: the action bar stays in view,
preview opens the unsaved post in a new tab, and a post scheduled a few seconds ahead appears
on the public site when its time comes. The post pages have no accessibility violation."""

import re
import time
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from news.models import Post

from .conftest import STAFF_PASSWORD, assert_no_axe_violations

TITLE = "Open day at the Recovery College"
SLUG = "open-day-at-the-recovery-college"
BODY = "Come and meet the tutors on Saturday morning."
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
SCHEDULE_AHEAD = timedelta(seconds=10)


def sign_in(page: Page, user) -> None:
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def no_axe_violations_at_both_sizes(page: Page) -> None:
    for width, height in SIZES.values():
        page.set_viewport_size({"width": width, "height": height})
        assert_no_axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 800})


def action_bar_in_view(page: Page) -> None:
    """After scrolling to the very bottom of the form, the bar is still inside the window."""
    page.mouse.wheel(0, 20_000)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 0, "the form should be long enough to scroll"
    box = page.locator(".post-actions").bounding_box()
    viewport = page.viewport_size
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    expect(page.get_by_role("button", name="Preview (opens in a new tab)")).to_be_in_viewport()


def test_write_preview_schedule_and_see_it_appear(
    live_server, page, new_context, site_categories, editor
):
    page.set_default_timeout(10_000)
    sign_in(page, editor)
    page.get_by_role("link", name="Posts", exact=True).click()
    expect(page.get_by_role("heading", name="Posts", level=1)).to_be_visible()
    no_axe_violations_at_both_sizes(page)
    page.get_by_role("link", name="New post").click()
    expect(page.get_by_role("heading", name="New post")).to_be_visible()
    no_axe_violations_at_both_sizes(page)

    # Write: the web address follows the title and is shown in full.
    title = page.get_by_label("Title")
    title.fill(TITLE)
    title.press("Tab")
    page.get_by_text(re.compile("^Advanced: web address")).click()
    expect(page.get_by_role("textbox", name="Web address")).to_have_value(SLUG)
    expect(page.locator('output[for="id_slug"]')).to_have_text(f"{live_server.url}/news/{SLUG}/")
    page.get_by_role("textbox", name="Body").click()
    page.keyboard.type(BODY)

    # Event fields show only for Events.
    event_start = page.get_by_role("group", name=re.compile("Event details"))
    expect(event_start).to_be_hidden()
    page.get_by_label("Category").select_option(label="Events")
    expect(event_start).to_be_visible()
    page.get_by_label("Category").select_option(label="News")
    expect(event_start).to_be_hidden()

    action_bar_in_view(page)
    page.set_viewport_size({"width": 390, "height": 844})
    action_bar_in_view(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    # Preview before the first save: a new tab with the post as it will look; nothing saved.
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview (opens in a new tab)").click()
    preview = opened.value
    expect(preview.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(preview.get_by_text(BODY)).to_be_visible()
    expect(preview.get_by_text("Preview: this is how the post will look")).to_be_visible()
    preview.close()
    assert not Post.objects.exists()

    # Schedule it a few seconds ahead: the button says so, as the date is typed.
    when = timezone.localtime(timezone.now() + SCHEDULE_AHEAD)
    page.locator("#id_published_at_0").fill(f"{when:%d/%m/%Y}")
    page.locator("#id_published_at_1").fill(f"{when:%H:%M:%S}")
    schedule = page.get_by_role("button", name=re.compile(r"^Schedule for "))
    expect(schedule).to_have_text(f"Schedule for {when:%-d %b %Y, %H:%M}")
    schedule.click()
    expect(page.get_by_text(re.compile(r"was added and scheduled for"))).to_be_visible()
    expect(page.get_by_role("heading", name="Edit post")).to_be_visible()

    # A visitor sees nothing yet, then the post once its time has come. Each visit is a new
    # visitor: a browser may keep a public page (even a 404) for PUBLIC_CACHE_SECONDS.
    address = f"/news/{SLUG}/"
    assert new_context().new_page().goto(address).status == 404
    no_axe_violations_at_both_sizes(page)  # the post's edit page, while it waits
    time.sleep(max(0.0, (when - timezone.localtime()).total_seconds()) + 1)
    visitor = new_context().new_page()
    assert visitor.goto(address).status == 200
    expect(visitor.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(visitor.get_by_text(BODY)).to_be_visible()

    # Once out, the main button reads Update, and Unpublish asks first.
    page.reload()
    expect(page.get_by_role("button", name="Update", exact=True)).to_be_visible()
    page.get_by_role("link", name="Unpublish").click()
    expect(page.get_by_role("heading", name=re.compile("^Unpublish"))).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Yes, unpublish").click()
    expect(page.get_by_text(re.compile("was unpublished"))).to_be_visible()
    assert new_context().new_page().goto(address).status == 404
