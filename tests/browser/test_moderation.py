"""Moderating as a moderator does it: one click in the queue, on a reply's page and on the
post itself, by keyboard alone, with Undo; axe-core at zero on the pages they use, at desktop
and phone sizes; each approved reply seen by a new visitor."""

import re

from playwright.sync_api import Page, expect

from comments.models import Comment
from comments.services import submit_comment
from tests.factories import make_post

from .conftest import STAFF_PASSWORD, PageWatch, assert_no_axe_violations

QUEUE = "/admin/comments/comment/?status__exact=pending"
SIZES = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]


def held(post, name, text, parent=None) -> Comment:
    return submit_comment(
        post=post,
        parent=parent,
        name=name,
        email=f"{name.lower()}@example.org",
        text=text,
        reason="Every reply is held for moderation",
    )


def signed_in(page: Page, moderator, next_path: str) -> None:
    page.goto(f"/admin/login/?next={next_path}")
    page.get_by_label("Username").fill(moderator.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(next_path.split("?")[0])))


# Nothing wider than its box: neither the page nor the list scrolls sideways.
NO_SIDEWAYS_SCROLL = """
    [document.documentElement, ...document.querySelectorAll(".results")]
        .every((box) => box.scrollWidth <= box.clientWidth)
"""


def no_axe_violations_at_each_size(page: Page) -> None:
    for size in SIZES:
        page.set_viewport_size(size)
        assert_no_axe_violations(page)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"sideways scrolling at {size}"
    page.set_viewport_size(SIZES[0])


def message(page: Page, pattern: str):
    return page.locator(".messagelist li").filter(has_text=re.compile(pattern))


def new_visitor_sees(new_context, post, text: str) -> None:
    visitor = new_context().new_page()
    visitor.goto(post.get_absolute_url())
    expect(visitor.get_by_text(text)).to_be_visible()
    visitor.context.close()


def test_the_queue_by_mouse_and_by_keyboard(live_server, page, new_context, moderator):
    post = make_post(title="Peer support week")
    texts = {name: f"{name} asks about peer support roles." for name in ("Ana", "Ben", "Cai")}
    for name, text in texts.items():
        held(post, name, text)
    watch = PageWatch(page, live_server.url)
    page.set_default_timeout(10_000)
    signed_in(page, moderator, QUEUE)
    expect(page.get_by_text("Keyboard shortcuts: j next reply")).to_be_visible()
    no_axe_violations_at_each_size(page)

    # One click, then Undo, then the click again: the list updates without a page load.
    page.evaluate("window.samePage = true")
    page.get_by_role("button", name="Approve the reply from Cai").click()
    expect(message(page, "Approved the reply from Cai")).to_be_visible()
    assert page.evaluate("window.samePage === true")
    expect(page.get_by_role("status")).to_have_text(re.compile("Approved the reply from Cai"))
    page.get_by_role("button", name="Undo").click()
    expect(message(page, r"Undone: 1 reply put back")).to_be_visible()
    assert Comment.objects.get(name="Cai").status == "pending"
    page.get_by_role("button", name="Approve the reply from Cai").click()
    expect(message(page, "Approved the reply from Cai")).to_be_visible()
    new_visitor_sees(new_context, post, texts["Cai"])

    # Keyboard only: the decided row's place is current (now Ben), a approves, z undoes,
    # j moves (visibly), s marks spam.
    current = page.locator("#result_list tr.is-current")
    expect(current).to_be_focused()
    expect(current).to_contain_text("Ben")
    page.keyboard.press("a")
    expect(message(page, "Approved the reply from Ben")).to_be_visible()
    page.keyboard.press("z")
    expect(message(page, r"Undone: 1 reply put back")).to_be_visible()
    expect(page.locator("#result_list tr.is-current")).to_contain_text("Ben")
    page.keyboard.press("j")
    expect(page.locator("#result_list tr.is-current")).to_contain_text("Ana")
    expect(page.locator("#result_list tr.is-current")).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator("#result_list tr.is-current")).to_contain_text("Ben")
    page.keyboard.press("j")
    page.keyboard.press("s")
    expect(message(page, "Marked as spam the reply from Ana")).to_be_visible()
    # Keys are ignored while typing in the search box.
    page.get_by_role("searchbox").fill("")
    page.get_by_role("searchbox").press("t")
    assert Comment.objects.filter(status="trash").count() == 0

    # Tab reaches each button; Enter presses it.
    trash = page.get_by_role("button", name="Trash the reply from Ben")
    page.get_by_role("button", name="Spam the reply from Ben").focus()
    page.keyboard.press("Tab")
    expect(trash).to_be_focused()
    page.keyboard.press("Enter")
    expect(message(page, "Moved to the trash the reply from Ben")).to_be_visible()
    statuses = dict(Comment.objects.values_list("name", "status"))
    assert statuses == {"Ana": "spam", "Ben": "trash", "Cai": "approved"}
    watch.assert_clean("the moderation queue")


def test_one_click_works_without_javascript(live_server, new_context, moderator):
    post = make_post()
    held(post, "Fay", "Sent from an old phone.")
    page = new_context(java_script_enabled=False).new_page()
    page.set_default_timeout(10_000)
    signed_in(page, moderator, QUEUE)
    page.get_by_role("button", name="Approve the reply from Fay").click()
    expect(message(page, "Approved the reply from Fay")).to_be_visible()
    page.get_by_role("button", name="Undo").click()
    expect(message(page, r"Undone: 1 reply put back")).to_be_visible()
    assert Comment.objects.get(name="Fay").status == "pending"


def test_a_replys_page_and_the_post_itself(live_server, page, new_context, moderator):
    post = make_post(title="Recovery colleges")
    asker = submit_comment(
        post=post,
        name="Asker",
        email="a@example.org",
        text="What is a recovery college?",
        status="approved",
    )
    answer = held(post, "Dee", "A place to learn about recovery, together.", parent=asker)
    in_place = held(post, "Eve", "Where is the nearest one?")
    watch = PageWatch(page, live_server.url)
    page.set_default_timeout(10_000)
    signed_in(page, moderator, f"/admin/comments/comment/{answer.pk}/change/")

    thread = page.locator(".reply-thread")
    expect(thread.locator("li").first).to_contain_text("Asker")
    expect(thread).to_contain_text("(the reply it answers)")
    expect(page.get_by_role("link", name="Approve and reply")).to_be_visible()
    no_axe_violations_at_each_size(page)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(message(page, "Approved the reply from Dee")).to_be_visible()
    expect(page.get_by_role("button", name="Unapprove", exact=True)).to_be_visible()
    new_visitor_sees(new_context, post, answer.text)

    # On the post itself: the pending reply marked, decided in place, back to the same spot.
    page.goto(post.get_absolute_url())
    reply = page.locator(f"#comment-{in_place.pk}")
    expect(reply.get_by_text("Pending", exact=True)).to_be_visible()
    no_axe_violations_at_each_size(page)
    reply.get_by_role("button", name="Approve the reply from Eve").click()
    expect(page).to_have_url(re.compile(rf"#comment-{in_place.pk}$"))
    expect(
        page.locator(f"#comment-{in_place.pk}").get_by_text("Pending", exact=True)
    ).to_have_count(0)
    new_visitor_sees(new_context, post, in_place.text)
    watch.assert_clean("a reply's page and the post")
