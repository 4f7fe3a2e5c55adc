"""The site's three journeys, end to end in a real browser.

1. An editor uploads a paper and publishes a post with it attached, in the admin.
2. A visitor reads the post, downloads the paper and leaves a reply, which only they see.
3. A moderator approves the reply; from then on every visitor sees it.

Each visitor is a fresh browser context: no cookies, no cache, nothing shared with staff.
"""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import STAFF_PASSWORD, assert_no_axe_violations

PAPER_TITLE = "Recovery: the Business Case"
POST_TITLE = "New paper: Recovery, the Business Case"
POST_SLUG = "new-paper-recovery-the-business-case"
# Typed into the rich-text editor as two paragraphs; "evidence" is made bold with the toolbar.
FIRST_PARAGRAPH = (
    "We are pleased to publish our latest briefing paper on the economics of recovery."
)
SECOND_PARAGRAPH = ("It sets out the ", "evidence", " for investing in recovery-focused services.")
# Tags are separated with commas, as the field's help says (taggit splits on spaces otherwise).
POST_TAGS = {"Briefing papers": "briefing-papers", "Economics": "economics"}
REPLY_NAME = "Rosa Visitor"
REPLY_TEXT = "Thank you, this paper makes the case very clearly."


def log_in(page: Page, user) -> None:
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def success_message(page: Page, pattern: str):
    return page.get_by_role("listitem").filter(has_text=re.compile(pattern))


def write_body(page: Page) -> None:
    """Type the body into the rich-text editor as a person would: click in, type, Enter, Bold."""
    body_row = page.locator(".form-row.field-body")
    # The editable area a screen reader announces by the field's label, "Body".
    editor = page.get_by_role("textbox", name="Body")
    bold = body_row.get_by_role("button", name="Bold", exact=True)
    editor.click()
    page.keyboard.type(FIRST_PARAGRAPH)
    page.keyboard.press("Enter")  # a new paragraph
    before, strong, after = SECOND_PARAGRAPH
    page.keyboard.type(before)
    bold.click()
    page.keyboard.type(strong)
    bold.click()
    page.keyboard.type(after)
    expect(editor.locator("p")).to_have_text([FIRST_PARAGRAPH, "".join(SECOND_PARAGRAPH)])
    expect(editor.locator("strong")).to_have_text(strong)


def publish_post_with_paper(page: Page, editor, pdf_file: Path) -> None:
    log_in(page, editor)

    # Papers › Add paper (the app and its model share the name "Papers": use the model's row)
    page.get_by_role("row", name="Papers").get_by_role("link", name="Add").click()
    expect(page.get_by_role("heading", name="Add paper")).to_be_visible()
    page.get_by_label("Title").fill(PAPER_TITLE)
    page.get_by_label("File:", exact=True).set_input_files(pdf_file)
    page.get_by_role("button", name="Save", exact=True).click()
    # The admin names it as str() does: the typed title between Unicode isolates (FSI … PDI).
    added = f"paper “\u2068{re.escape(PAPER_TITLE)}\u2069” was added"
    expect(success_message(page, added)).to_be_visible()

    # News and events › Posts › New post
    page.goto("/admin/")
    page.get_by_role("link", name="Posts", exact=True).click()
    page.get_by_role("link", name="New post").click()
    expect(page.get_by_role("heading", name="New post")).to_be_visible()
    title = page.get_by_label("Title")
    title.fill(POST_TITLE)
    title.press("Tab")  # the admin's prepopulate script fills the slug from the title
    expect(page.locator("#id_slug")).to_have_value(POST_SLUG)  # under "Advanced"
    # A new post starts in News, and stays there.
    expect(page.get_by_label("Category").locator("option:checked")).to_have_text("News")
    page.get_by_label("Tags").fill(", ".join(POST_TAGS))
    write_body(page)

    # The inline's paper field is an autocomplete (select2) widget: open, search, pick.
    papers = page.get_by_role("group", name=re.compile("Attached papers"))
    papers.get_by_role("combobox").first.click()
    page.keyboard.type("Business")  # select2 focuses its own search box when it opens
    page.get_by_role("option", name=PAPER_TITLE).click()
    expect(papers.get_by_role("combobox").first).to_contain_text(PAPER_TITLE)

    page.get_by_role("button", name="Publish", exact=True).click()
    added = f"post “\u2068{re.escape(POST_TITLE)}\u2069” was added"
    expect(success_message(page, added)).to_be_visible()


def visitor_reads_downloads_and_replies(page: Page, pdf_file: Path) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Latest News and Events", level=1)).to_be_visible()
    assert_no_axe_violations(page)

    # A keyboard user's first Tab lands on the skip link, which leads into the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()

    page.get_by_role("link", name=POST_TITLE, exact=True).click()
    expect(page.get_by_role("heading", name=POST_TITLE, level=1)).to_be_visible()
    expect(page.get_by_text("It sets out the evidence")).to_be_visible()
    # What the editor typed is on the page as it was written: two paragraphs, one word in bold.
    post_body = page.locator(".post-body")
    expect(post_body.locator("p")).to_have_text([FIRST_PARAGRAPH, "".join(SECOND_PARAGRAPH)])
    expect(post_body.locator("p strong")).to_have_text(SECOND_PARAGRAPH[1])
    expect(page.locator("article .meta").get_by_role("link", name="News")).to_be_visible()
    tags = page.locator(".tags").get_by_role("link")
    expect(tags).to_have_count(len(POST_TAGS))
    for tag, slug in POST_TAGS.items():
        expect(tags.filter(has_text=tag)).to_have_attribute("href", f"/news/tag/{slug}/")
    assert_no_axe_violations(page)

    # The reply form is reachable from the keyboard alone: skip link, then Tab onwards.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    name = page.get_by_role("textbox", name="Name", exact=True)
    for _ in range(30):
        if name.evaluate("field => field === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(name).to_be_focused()

    download_link = page.get_by_role("link", name=re.compile(r"Download \(PDF,"))
    expect(download_link).to_have_accessible_name(re.compile(re.escape(PAPER_TITLE)))
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert Path(download.path()).read_bytes() == pdf_file.read_bytes()

    expect(page.get_by_role("heading", name="Leave a Reply")).to_be_visible()
    page.get_by_role("textbox", name="Name", exact=True).fill(REPLY_NAME)
    page.get_by_role("textbox", name="Email", exact=True).fill("rosa@example.org")
    page.get_by_role("textbox", name="Website", exact=True).fill("https://example.org/rosa")
    page.get_by_role("textbox", name="Comment", exact=True).fill(REPLY_TEXT)
    page.get_by_role("button", name="Post Comment").click()

    expect(page).to_have_url(re.compile(rf"/news/{POST_SLUG}/#comment-\d+$"))
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    expect(page.get_by_text(REPLY_TEXT)).to_be_visible()


def moderator_approves_reply(page: Page, moderator) -> None:
    log_in(page, moderator)
    # The app list calls the model "Replies" (its verbose_name_plural): take its row.
    comments_row = page.get_by_role("row", name="Replies")
    comments_row.get_by_role("link", name="Replies", exact=True).click()
    expect(page.get_by_role("heading", name="Replies", level=1)).to_be_visible()
    page.get_by_role("checkbox", name=re.compile(REPLY_NAME)).check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(
        label="Approve selected replies"
    )
    # Django 6.1 labels the button that runs the chosen action "Run" (it used to be "Go").
    page.get_by_role("button", name="Run", exact=True).click()
    expect(success_message(page, r"1 reply approved\.")).to_be_visible()


def fresh_page(new_context) -> Page:
    """A page in a new browser context: its own cookies, cache and storage, like a new visitor."""
    page = new_context().new_page()
    page.set_default_timeout(10_000)  # fail within seconds, not pytest-playwright's 30
    return page


def open_post(page: Page) -> Page:
    page.goto("/")
    page.get_by_role("link", name=POST_TITLE, exact=True).click()
    expect(page.get_by_role("heading", name=POST_TITLE, level=1)).to_be_visible()
    return page


def test_publish_read_reply_and_moderate(
    live_server, page, new_context, site_categories, editor, moderator, pdf_file, output_path
):
    # 1. The editor publishes, in the page pytest-playwright opens for the test.
    page.set_default_timeout(10_000)
    publish_post_with_paper(page, editor, pdf_file)

    # 2. A fresh visitor reads, downloads and replies.
    visitor_reads_downloads_and_replies(fresh_page(new_context), pdf_file)

    # 3. Another visitor does not see the pending reply.
    stranger = open_post(fresh_page(new_context))
    expect(stranger.get_by_role("heading", name="Leave a Reply")).to_be_visible()
    expect(stranger.get_by_text(REPLY_TEXT)).to_have_count(0)
    expect(stranger.get_by_text("awaiting moderation")).to_have_count(0)

    # 4. The moderator approves it.
    moderator_approves_reply(fresh_page(new_context), moderator)

    # 5. Now any fresh visitor sees it, approved.
    reader = open_post(fresh_page(new_context))
    expect(reader.get_by_text(REPLY_TEXT)).to_be_visible()
    expect(reader.get_by_text(REPLY_NAME, exact=True)).to_be_visible()
    expect(reader.get_by_text("awaiting moderation")).to_have_count(0)
    expect(reader.get_by_role("heading", name=re.compile("1 reply to"))).to_be_visible()

    # For humans reviewing a run: test-results/<test>/post-after-approval.png (git-ignored).
    Path(output_path).mkdir(parents=True, exist_ok=True)
    reader.screenshot(path=Path(output_path) / "post-after-approval.png", full_page=True)
