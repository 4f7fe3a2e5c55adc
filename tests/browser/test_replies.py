"""Replies in a real browser: leaving one, answering one, moderating one, and their accessibility.

Every visitor is a fresh browser context (its own cookies and cache). Replies are checked where
the site puts them: under their comment in `ol.children`, with the notice only their author
sees while they wait for a moderator.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from comments.forms import REMEMBER_LABEL
from comments.models import Comment
from tests.factories import make_comment, make_post, make_staff

from .conftest import assert_no_axe_violations, fill_reply

AWAITING = "Your comment is awaiting moderation."
STAFF_PASSWORD = "correct horse battery"  # what tests.factories.make_staff gives


@pytest.fixture(autouse=True)
def _quick_replies(settings):
    """Send as soon as the form is filled in, and one visitor after another from one address.

    Both settings are read when a reply arrives, so the live server follows them.
    """
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0


def fresh_page(new_context, **options) -> Page:
    """A page in a new browser context: a new visitor, with nothing remembered."""
    page = new_context(**options).new_page()
    page.set_default_timeout(10_000)
    return page


def send(page: Page, post) -> Comment:
    """Press "Post Comment"; return the reply the browser was sent to."""
    page.get_by_role("button", name="Post Comment").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(post.get_absolute_url())}#comment-\d+$"))
    return Comment.objects.get(pk=page.url.rsplit("#comment-", 1)[1])


def send_answer(page: Page, post, parent: Comment, name: str, email: str, text: str) -> Comment:
    """Answer `parent` with the form where it stands: the answer shows nested under it, waiting."""
    fill_reply(page, name, email, text)
    answer = send(page, post)
    assert answer.parent_id == parent.pk
    nested = page.locator(f"#comment-{parent.pk} > ol.children > li#comment-{answer.pk}")
    expect(nested).to_contain_text(text)
    expect(nested).to_contain_text(AWAITING)
    return answer


def test_visitor_sees_their_reply_after_reload_and_is_remembered_on_another_post(
    live_server, new_context, site_categories
):
    post = make_post(title="Peer support in practice")
    other_post = make_post(title="Recovery colleges")
    page = fresh_page(new_context)

    page.goto(live_server.url + post.get_absolute_url())
    fill_reply(page, "Rosa Visitor", "rosa@example.org", "Our team tried this last spring.")
    page.get_by_role("checkbox", name=REMEMBER_LABEL).check()
    reply = send(page, post)

    assert (reply.name, reply.status) == ("Rosa Visitor", Comment.Status.PENDING)
    shown = page.locator(f"#comment-{reply.pk}")
    expect(shown).to_contain_text(AWAITING)
    expect(shown).to_contain_text("Our team tried this last spring.")
    expect(shown.locator(".comment-author")).to_have_text("Rosa Visitor")

    page.reload()
    expect(shown).to_contain_text(AWAITING)
    expect(shown).to_contain_text("Our team tried this last spring.")

    page.goto(live_server.url + other_post.get_absolute_url())
    expect(page.get_by_role("heading", name="Recovery colleges", level=1)).to_be_visible()
    form = page.locator("#respond")
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_have_value("Rosa Visitor")
    expect(form.get_by_role("textbox", name="Email", exact=True)).to_have_value("rosa@example.org")
    expect(form.get_by_role("checkbox", name=REMEMBER_LABEL)).to_be_checked()
    # Their reply waits on the first post only.
    expect(page.get_by_text(AWAITING)).to_have_count(0)


def test_reply_link_moves_the_form_under_the_comment_and_nests_the_answer(
    live_server, new_context, site_categories
):
    post = make_post()
    parent = make_comment(post, name="Alex Parent", text="Has anyone read the new paper?")
    make_comment(post, name="Bea Other", text="A reply to the post itself.")
    page = fresh_page(new_context)
    page.goto(live_server.url + post.get_absolute_url())
    respond = page.locator("#respond")
    expect(page.locator("#replying-to")).to_be_hidden()

    page.get_by_role("link", name="Reply to Alex Parent").click()

    # The script moved the form: right after the comment's own text, inside its list item.
    expect(page.locator(f"#comment-{parent.pk} > article + #respond")).to_have_count(1)
    expect(page).not_to_have_url(re.compile("replytocom"))
    expect(page.locator("#replying-to")).to_be_visible()
    expect(page.locator("#replying-to")).to_contain_text("Replying to Alex Parent")
    expect(respond.get_by_role("textbox", name="Comment", exact=True)).to_be_focused()
    expect(respond.locator("input[name=parent]")).to_have_value(str(parent.pk))

    send_answer(
        page, post, parent, "Chris Answer", "chris@example.org", "Yes: chapter two is the key."
    )
    # After the page came back the form is at home again, answering the post.
    expect(page.locator("#comments > #respond")).to_have_count(1)
    expect(page.locator("#replying-to")).to_be_hidden()


def test_reply_link_without_javascript_reloads_with_the_form_answering_that_comment(
    live_server, new_context, site_categories
):
    post = make_post()
    parent = make_comment(post, name="Alex Parent", text="Has anyone read the new paper?")
    page = fresh_page(new_context, java_script_enabled=False)
    page.goto(live_server.url + post.get_absolute_url())

    page.get_by_role("link", name="Reply to Alex Parent").click()

    expect(page).to_have_url(
        re.compile(rf"{re.escape(post.get_absolute_url())}\?replytocom={parent.pk}#respond$")
    )
    expect(page.locator("#replying-to")).to_be_visible()
    expect(page.locator("#replying-to")).to_contain_text("Replying to Alex Parent")
    expect(page.locator("#respond input[name=parent]")).to_have_value(str(parent.pk))

    send_answer(
        page, post, parent, "Dana NoScript", "dana@example.org", "I read it without any scripts."
    )


def test_moderator_approves_the_pending_reply_from_the_queue(
    live_server, new_context, site_categories, staff_groups, django_user_model, fast_passwords
):
    post = make_post(title="Peer support in practice")
    visitor = fresh_page(new_context)
    visitor.goto(live_server.url + post.get_absolute_url())
    fill_reply(visitor, "Rosa Visitor", "rosa@example.org", "Please publish my question.")
    pending = send(visitor, post)
    # Newer than the pending reply, yet listed after it: the queue puts pending replies first.
    make_comment(post, name="Already Approved", text="An approved reply.")
    make_comment(post, name="Sam Spammer", text="Buy now", status=Comment.Status.SPAM)
    make_staff(django_user_model, "Moderators")

    page = fresh_page(new_context)
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("moderators")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("row", name="Replies").get_by_role("link", name="Replies", exact=True).click()
    expect(page.get_by_role("heading", name="Replies", level=1)).to_be_visible()

    first_row = page.locator("#result_list tbody tr").first
    expect(first_row).to_contain_text("Rosa Visitor")
    expect(first_row).to_contain_text("Please publish my question.")
    expect(first_row).to_contain_text(pending.reason)
    assert pending.reason == "Every reply is held for moderation"
    first_row.get_by_role("checkbox").check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(
        label="Approve selected replies"
    )
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_role("listitem").filter(has_text="1 reply approved.")).to_be_visible()

    pending.refresh_from_db()
    assert pending.status == Comment.Status.APPROVED
    reader = fresh_page(new_context)
    reader.goto(live_server.url + post.get_absolute_url())
    shown = reader.locator(f"#comment-{pending.pk}")
    expect(shown).to_contain_text("Please publish my question.")
    expect(shown.locator(".comment-author")).to_have_text("Rosa Visitor")
    expect(reader.get_by_text(AWAITING)).to_have_count(0)
    expect(reader.get_by_text("Buy now")).to_have_count(0)


def test_reply_form_with_errors_and_threaded_replies_are_accessible(
    live_server, new_context, site_categories
):
    post = make_post()
    page = fresh_page(new_context)
    page.goto(live_server.url + post.get_absolute_url())
    page.get_by_role("button", name="Post Comment").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Your reply was not sent yet")
    expect(summary).to_contain_text("Please enter your name.")
    expect(page.locator("#id_text_error")).to_have_text("Please write your comment.")
    assert not Comment.objects.exists()
    assert_no_axe_violations(page)

    top = make_comment(post, name="Alex Parent", text="A first thought.")
    middle = make_comment(
        post, parent=top, ancestry=top.ancestry_for_child(), name="Bea Answer", text="Agreed."
    )
    make_comment(
        post,
        parent=middle,
        ancestry=middle.ancestry_for_child(),
        name="Chris Deeper",
        text="And one more thing.",
    )
    make_comment(post, name="Dana Alone", text="A reply of its own.")
    # A new visitor: the first one's browser may keep its copy of the page for a minute.
    page = fresh_page(new_context)
    page.goto(live_server.url + post.get_absolute_url())
    expect(page.locator("ol.children ol.children li")).to_contain_text("And one more thing.")
    page.get_by_role("link", name="Reply to Bea Answer").click()  # the form, moved and showing
    expect(page.locator("#replying-to")).to_be_visible()
    assert_no_axe_violations(page)


def test_writing_a_reply_swaps_in_the_exact_form_time(
    live_server, new_context, site_categories, settings
):
    """The cached page's form time is rounded down; the script fetches the exact one, so a
    robot driving a browser is measured from when it started writing."""
    settings.COMMENTS_MIN_SECONDS = 30
    post = make_post()
    page = fresh_page(new_context)
    page.goto(live_server.url + post.get_absolute_url())
    issued = page.locator("input[name=issued]")

    with page.expect_response(re.compile(r"/comments/form-time/$")) as fetched:
        page.get_by_role("textbox", name="Name", exact=True).focus()
    assert fetched.value.ok
    expect(issued).to_have_value(fetched.value.json()["issued"])
    fill_reply(page, "Quick Robot", "robot@example.org", "Instant words.")
    reply = send(page, post)

    assert reply.status == Comment.Status.PENDING
    assert "after the form was shown" in reply.reason  # measured from focus, not the cache
