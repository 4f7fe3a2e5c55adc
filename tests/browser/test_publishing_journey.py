"""The two journeys of docs/staff-journeys.md, walked and counted: clicks and page loads.

A page load is a request that loads a document into the page's main frame, or a pop-up
window: what Playwright reports as a navigation request of the main frame (a URL changed by
history.replaceState loads nothing, so it is not one), plus each `popup`. Both journeys start
signed in, on the admin's home page, as the document says.
"""

import re

from playwright.sync_api import Page, expect

from comments.models import Comment
from comments.services import submit_comment
from news.models import Attachment, Post
from tests.factories import make_post, pdf_bytes

from .conftest import STAFF_PASSWORD, PageWatch, assert_no_axe_violations

POST_TITLE = "Recovery colleges: the new paper"
BODY = "Our new paper looks at what recovery colleges offer, and at what they cost."
# True when leaving the page now would ask "Leave site?" (editor.js's beforeunload guard).
WOULD_WARN = """() => {
    const event = new Event("beforeunload", { cancelable: true });
    window.dispatchEvent(event);
    return event.defaultPrevented;
}"""


class Counter:
    """Clicks pressed through it, and the page loads (and pop-ups) the page makes."""

    def __init__(self, page: Page):
        self.page = page
        self.clicks = 0
        self.loads: list[str] = []
        page.on("request", self._on_request)
        page.on("popup", lambda popup: self.loads.append(f"pop-up {popup.url}"))

    def _on_request(self, request):
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.loads.append(f"{request.method} {request.url}")

    def click(self, locator) -> None:
        self.clicks += 1
        locator.click()

    def choose_file(self, locator, path) -> None:
        """Press the button, then pick the file in the system's dialog: two clicks."""
        with self.page.expect_file_chooser() as chooser:
            self.click(locator)
        self.clicks += 1
        chooser.value.set_files(path)


def signed_in_on_the_dashboard(page: Page, user) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.set_default_timeout(15_000)
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def message(page: Page, pattern: str):
    return page.locator(".messagelist li").filter(has_text=re.compile(pattern))


def test_publish_a_post_with_a_paper_in_one_page_load(
    live_server, page, new_context, site_categories, editor, pdf_file, tmp_path
):
    watch = PageWatch(page, live_server.url)
    signed_in_on_the_dashboard(page, editor)
    count = Counter(page)

    # 1. Write a new post (1 click, 1 page load). 2. Type the title and the text (Tab, no click).
    count.click(page.get_by_role("link", name="Write a new post"))
    expect(page.get_by_role("heading", name="New post")).to_be_visible()
    page.get_by_label("Title").fill(POST_TITLE)
    page.get_by_role("textbox", name="Body").focus()
    page.keyboard.type(BODY)
    assert page.evaluate(WOULD_WARN), "typed work should be guarded before it is saved"

    # 3. Upload a paper, in the form itself: the button, then the file (2 clicks, no load).
    papers = page.locator("#attachments-group")
    count.choose_file(papers.get_by_role("button", name="Upload a paper"), pdf_file)
    advice = papers.get_by_role("status")
    expect(advice).to_contain_text("uploaded and chosen")
    expect(advice).to_contain_text("No tags: screen readers")
    expect(papers.get_by_role("combobox").first).to_contain_text("Recovery: the Business Case")

    # 4. Publish, in the action bar (1 click): saved in the background, the page updated.
    count.click(page.get_by_role("button", name="Publish", exact=True))
    saved = message(page, "was added and published")
    expect(saved).to_be_visible()
    expect(page.locator(".messagelist")).to_be_focused()
    expect(page).to_have_url(re.compile(r"/admin/news/post/\d+/change/$"))
    expect(page.get_by_role("button", name="Update", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Unpublish")).to_be_visible()
    expect(page.get_by_role("link", name="History")).to_be_visible()
    expect(page.get_by_role("heading", name="Edit post", level=1)).to_be_visible()
    assert not page.evaluate(WOULD_WARN), "nothing is unsaved after a background save"

    assert count.clicks == 4, count.clicks  # docs/staff-journeys.md; WordPress 6 takes 7
    assert len(count.loads) == 1, count.loads  # the new post's form, and nothing since
    post = Post.objects.get(title=POST_TITLE)
    assert post.state == Post.State.PUBLISHED
    assert post.attachments.count() == 1
    assert_no_axe_violations(page)

    # The post is public, its paper downloadable, for a visitor with no account.
    view = saved.get_by_role("link", name=re.compile("View post"))
    visitor = new_context().new_page()
    visitor.goto(view.get_attribute("href"))
    expect(visitor.get_by_role("heading", name=POST_TITLE, level=1)).to_be_visible()
    download_link = visitor.get_by_role("link", name=re.compile(r"Download \(PDF,"))
    with visitor.expect_download() as download:
        download_link.click()
    assert open(download.value.path(), "rb").read() == pdf_file.read_bytes()  # noqa: SIM115
    visitor.context.close()

    # Edit it and press Update: the same attachment row is kept, still no page load.
    page.get_by_role("textbox", name="Body").focus()
    page.keyboard.press("End")
    page.keyboard.type(" Read it below.")
    count.click(page.get_by_role("button", name="Update", exact=True))
    expect(message(page, "was saved and published")).to_be_visible()
    assert len(count.loads) == 1, count.loads
    assert list(Attachment.objects.filter(post=post).values_list("pk", flat=True)) == list(
        post.attachments.values_list("pk", flat=True)
    )
    assert Attachment.objects.filter(post=post).count() == 1
    assert Post.objects.filter(title=POST_TITLE).count() == 1
    post.refresh_from_db()
    assert "Read it below." in post.body
    assert not page.evaluate(WOULD_WARN)

    # A second paper: uploaded into a new row of the inline, saved beside the first.
    second = tmp_path / "second-paper.pdf"
    second.write_bytes(pdf_bytes(title="Recovery colleges in numbers"))
    count.choose_file(papers.get_by_role("button", name="Upload a paper"), second)
    expect(papers.get_by_role("status")).to_contain_text("Recovery colleges in numbers")
    page.locator(".messagelist").evaluate("list => list.classList.add('before')")
    count.click(page.get_by_role("button", name="Update", exact=True))
    expect(page.locator(".messagelist:not(.before)")).to_contain_text("was saved and published")
    assert len(count.loads) == 1, count.loads
    titles = post.attachments.order_by("pk").values_list("document__title", flat=True)
    assert list(titles) == ["Recovery: the Business Case", "Recovery colleges in numbers"]
    for size in ({"width": 1280, "height": 800}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        assert_no_axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    # A file refused by the upload: the admin's own message beside the button, nothing chosen.
    not_a_pdf = tmp_path / "notes.pdf"
    not_a_pdf.write_text("Only some notes, not a PDF at all.")
    watch.expect_failure("/admin/documents/document/upload.json")  # its 400, in the console
    count.choose_file(papers.get_by_role("button", name="Upload a paper"), not_a_pdf)
    expect(papers.get_by_role("status")).to_contain_text("The paper was not uploaded")
    expect(papers.locator(".paper-upload .errorlist li")).not_to_have_count(0)
    assert post.attachments.count() == 2

    # A form with a mistake is sent the ordinary way: its error beside the field, the text kept.
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Update", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-title .errorlist")).to_be_visible()
    expect(page.get_by_role("textbox", name="Body")).to_contain_text("Read it below.")
    assert len(count.loads) == 2, count.loads  # the fallback's own POST
    assert Post.objects.get(pk=post.pk).title == POST_TITLE
    watch.assert_clean("publishing a post with a paper")


def test_approve_three_replies_in_one_page_load(live_server, page, moderator):
    post = make_post(title="Peer support week")
    for name in ("Ana", "Ben", "Cai"):
        submit_comment(
            post=post,
            parent=None,
            name=name,
            email=f"{name.lower()}@example.org",
            text=f"{name} asks about peer support roles.",
            reason="Every reply is held for moderation",
        )
    signed_in_on_the_dashboard(page, moderator)
    count = Counter(page)

    count.click(page.get_by_role("link", name=re.compile("3 replies waiting")).first)
    for name in ("Ana", "Ben", "Cai"):
        count.click(page.get_by_role("button", name=f"Approve the reply from {name}"))
        expect(message(page, f"Approved the reply from {name}")).to_be_visible()

    assert count.clicks == 4
    assert len(count.loads) == 1, count.loads
    assert Comment.objects.filter(status="approved").count() == 3
