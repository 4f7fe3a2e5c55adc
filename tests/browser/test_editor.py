"""Writing a post in the admin's editor, end to end in a real browser: spell-check, toolbar
buttons by their names, a picture with its description, tags marked new or existing, a
featured image kept through a refused form, autosave restored after the tab was closed, and
the warning before leaving unsaved work. axe-core at zero on the form at two sizes."""

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from news.models import Post
from tests.factories import make_document, make_post

from .conftest import STAFF_PASSWORD, assert_no_axe_violations

SIZES = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]


@pytest.fixture
def pictures(tmp_path):
    paths = {}
    for name, colour in (("choir.png", "green"), ("flag.png", "red")):
        path = tmp_path / name
        Image.new("RGB", (640, 320), colour).save(path)
        paths[name] = path
    return paths


def log_in(page: Page, user) -> None:
    page.goto("/admin/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def title_box(page: Page):
    # By role and exact name: a chosen paper's title also holds the word "title".
    return page.get_by_role("textbox", name="Title:", exact=True)


def body_editor(page: Page):
    return page.get_by_role("textbox", name="Body")


def toolbar(page: Page):
    return page.locator(".form-row.field-body .prose-menubar")


def write_with_the_toolbar(page: Page) -> None:
    editor = body_editor(page)
    expect(editor).to_have_attribute("spellcheck", "true")
    expect(editor).to_have_attribute("lang", "en-gb")
    editor.click()
    page.keyboard.type("Our choir")
    toolbar(page).get_by_role("button", name="Heading 2", exact=True).click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("We sang ")
    toolbar(page).get_by_role("button", name="Bold", exact=True).click()
    page.keyboard.type("loudly")
    toolbar(page).get_by_role("button", name="Bold", exact=True).click()
    page.keyboard.press("Enter")
    toolbar(page).get_by_role("button", name="Bulleted list", exact=True).click()
    page.keyboard.type("First song")
    expect(editor.locator("h2")).to_have_text("Our choir")
    expect(editor.locator("strong")).to_have_text("loudly")
    expect(editor.locator("ul li")).to_have_text("First song")
    for name, text in [("Italic", "I"), ("Quote", "“ Quote”"), ("Numbered list", "1. List")]:
        expect(toolbar(page).get_by_role("button", name=name, exact=True)).to_have_text(text)


def insert_picture(page: Page, path) -> None:
    toolbar(page).get_by_role("button", name="Insert a picture").click()
    dialog = page.get_by_role("dialog", name="Insert a picture")
    dialog.get_by_label("Picture (JPEG, PNG or WebP)").set_input_files(path)
    dialog.get_by_role("button", name="Insert picture").click()
    expect(dialog.get_by_text("Please describe the picture")).to_be_visible()  # refused
    assert_no_axe_violations(page)  # the dialog, open, with its error
    dialog.get_by_label("Description (required)").fill("The choir on stage")
    dialog.get_by_role("button", name="Insert picture").click()
    expect(dialog).to_have_count(0)
    picture = body_editor(page).get_by_role("img", name="The choir on stage")
    expect(picture).to_have_attribute("src", re.compile(r"^/media/renditions/0/"))


def link_paper(page: Page) -> None:
    toolbar(page).get_by_role("button", name="Link to a paper").click()
    dialog = page.get_by_role("dialog", name="Link to a paper")
    dialog.get_by_label("Search papers by title").fill("business")
    dialog.get_by_role(
        "button", name=re.compile(r"Recovery: the Business Case — Download \(PDF")
    ).click()
    expect(dialog).to_have_count(0)
    links = body_editor(page).get_by_role("link")
    expect(links.filter(has_text="Recovery: the Business Case")).to_have_count(1)
    expect(links.filter(has_text=re.compile(r"^Download \(PDF, "))).to_have_count(1)


def add_paper_in_popup(page: Page, pdf_file) -> None:
    """The inline's "+" opens the paper form; its advice shows; Done hands the paper back."""
    papers = page.get_by_role("group", name=re.compile("Attached papers"))
    with page.expect_popup() as opened:
        papers.locator("a.add-related").first.click()
    popup = opened.value
    popup.get_by_label("Title").fill("A long paper title that must stay readable in the picker")
    popup.get_by_label("File:", exact=True).set_input_files(pdf_file)
    popup.get_by_role("button", name="Save", exact=True).click()
    expect(popup.get_by_role("heading", name="Accessibility of the paper")).to_be_visible()
    assert_no_axe_violations(popup)
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Done: use this paper").click()
    chosen = papers.get_by_role("combobox").first
    expect(chosen).to_contain_text("A long paper title that must stay readable in the picker")


def test_write_a_post_with_a_picture_keep_an_image_and_never_lose_work(
    live_server,
    page,
    new_context,
    site_categories,
    editor,
    pictures,
    pdf_file,
    settings,
    output_path,
):
    settings.NEWS_AUTOSAVE_SECONDS = 1
    page.set_default_timeout(10_000)
    make_post(title="Tagged earlier").tags.add("Choirs")
    make_document(title="Recovery: the Business Case")
    log_in(page, editor)
    dialogs = []  # saving a changed form must never ask "Leave site?"
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))

    # Write, with the toolbar, a picture and tags; axe at zero on the form at both sizes.
    page.goto("/admin/news/post/add/")
    title_box(page).fill("Choir concert")
    title_box(page).press("Tab")
    write_with_the_toolbar(page)
    insert_picture(page, pictures["choir.png"])
    link_paper(page)
    add_paper_in_popup(page, pdf_file)
    tags = page.get_by_label("Tags")
    tags.fill("Cho")
    page.get_by_role("button", name="Choirs").click()
    tags.press_sequentially("Concerts")
    chips = page.get_by_role("list", name="Will be saved as")  # the same after the reload
    expect(chips.get_by_role("listitem")).to_have_text(["Choirs", "new tag: Concerts"])
    for size in SIZES:
        page.set_viewport_size(size)
        assert_no_axe_violations(page)
    page.set_viewport_size(SIZES[0])

    # A featured image chosen, then the form refused (no title): kept, shown, then used.
    page.locator("input#id_image").set_input_files(pictures["flag.png"])
    page.get_by_label("Image description").fill("A red flag")
    title_box(page).fill("")
    page.get_by_role("button", name="Save draft", exact=True).click()
    expect(page.get_by_text("chosen: flag.png")).to_be_visible()
    thumbnail = page.locator(".kept-upload img")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    expect(chips.get_by_role("listitem")).to_have_text(["Choirs", "new tag: Concerts"])
    expect(page.get_by_role("button", name=re.compile("Restore the autosaved"))).to_have_count(0)
    chosen_paper = page.get_by_role("group", name=re.compile("Attached papers")).locator(
        ".select2-selection__rendered"
    )
    assert chosen_paper.evaluate("el => el.scrollWidth <= el.clientWidth")  # not cut off
    assert_no_axe_violations(page)
    # For humans reviewing a run: test-results/<test>/kept-image.png (git-ignored).
    Path(output_path).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=Path(output_path) / "kept-image.png", full_page=True)
    title_box(page).fill("Choir concert")
    page.get_by_role("button", name="Save draft", exact=True).click()
    expect(page.get_by_text(re.compile("was added"))).to_be_visible()
    post = Post.objects.get(title="Choir concert")
    assert post.image and post.image_alt == "A red flag"
    assert re.search(r'<img src="/media/renditions/0/[^"]+" alt="The choir on stage"', post.body)
    assert sorted(post.tags.names()) == ["Choirs", "Concerts"]
    assert post.attachments.get().document.title.startswith("A long paper title")
    assert dialogs == []
    page.goto(f"/admin/news/post/{post.pk}/change/")  # the change form, with its picture
    expect(body_editor(page).get_by_role("img", name="The choir on stage")).to_be_visible()
    for size in SIZES:
        page.set_viewport_size(size)
        assert_no_axe_violations(page)

    # Autosave: typed into a new post, the tab closed, the form opened again in the session.
    writing = new_context(storage_state=page.context.storage_state()).new_page()
    writing.set_default_timeout(10_000)
    writing.goto("/admin/news/post/add/")
    title_box(writing).fill("Unsaved thoughts")
    body_editor(writing).click()
    writing.keyboard.type("Typed and never saved.")
    expect(writing.locator("#news-autosave-status")).to_contain_text("Draft autosaved at")

    # Leaving with unsaved changes warns first.
    warnings = []
    writing.on("dialog", lambda dialog: (warnings.append(dialog.type), dialog.dismiss()))
    writing.close(run_before_unload=True)
    expect(title_box(writing)).to_have_value("Unsaved thoughts")  # still open
    assert warnings == ["beforeunload"]
    writing.close()

    again = writing.context.new_page()
    again.goto("/admin/news/post/add/")
    restore = again.get_by_role(
        "button", name=re.compile(r"Restore the autosaved text from \d\d:\d\d")
    )
    restore.click()
    expect(title_box(again)).to_have_value("Unsaved thoughts")
    expect(body_editor(again)).to_contain_text("Typed and never saved.")
    for size in SIZES:
        again.set_viewport_size(size)
        assert_no_axe_violations(again)
