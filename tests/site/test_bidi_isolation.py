"""Names and titles written right to left, or with a bidirectional override (U+202E), cannot
reorder the page around them: wherever one is shown as text, in the site and in the admin, it
sits in a <bdi> (or an element with dir), or, where Django writes it from `str(obj)`, between
Unicode's own isolates FSI … PDI (documents/text_direction.py)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.moderation_links import action_url
from tests.factories import attach, make_comment, make_document, make_post, make_staff

pytestmark = pytest.mark.django_db

RLO = "\u202e"
NAME = f"Sam {RLO}gnp.exe"  # shows as "Sam exe.png", and would reverse what follows it
TITLE = f"Recovery {RLO}txet lareneg"
PAPER = f"Peer support {RLO}fdp.evil"
# Text in these is never laid out around other text, so there is nothing for it to reorder.
NOT_LAID_OUT = {"title", "script", "style", "textarea", "option"}
# Text between FSI (U+2068) and PDI (U+2069) is isolated by Unicode itself.
ISOLATED_RUN = re.compile("\u2068[^\u2069]*\u2069")
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Finder(HTMLParser):
    """Collects every text run holding U+202E that no <bdi> or dir="…" element isolates."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []
        self.exposed: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            # Visually hidden text is read out in its own order, never seen reordered.
            hidden = ("class", "visually-hidden") in attrs
            # dir on <html> or <body> sets the page's direction: it isolates nothing inside.
            has_dir = tag not in ("html", "body") and any(name == "dir" for name, _ in attrs)
            isolating = tag == "bdi" or hidden or has_dir
            self.open.append((tag, isolating))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        data = ISOLATED_RUN.sub("", data)
        if RLO not in data or (self.open and self.open[-1][0] in NOT_LAID_OUT):
            return
        if not any(isolating for _, isolating in self.open):
            where = " > ".join(tag for tag, _ in self.open[-4:])
            self.exposed.append(f"{where}: {data.strip()[:60]!r}")


def exposed_overrides(html: str) -> list[str]:
    finder = _Finder()
    finder.feed(html)
    return finder.exposed


@pytest.fixture
def hostile():
    """A published post, a reply and a paper whose names and titles carry an override."""
    post = make_post(title=TITLE)
    make_post(title="The next post")  # so TITLE shows as "Previous post" too
    comment = make_comment(post, name=NAME, text=f"I agree {RLO}!ti evol")
    paper = make_document(title=PAPER, name="paper.pdf")
    attach(post, paper)
    return post, comment, paper


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_site_pages_isolate_names_and_titles(client, hostile):
    post, comment, paper = hostile
    pages = {
        "home": reverse("news:home"),
        "post list": reverse("news:post_list"),
        "post": post.get_absolute_url(),
        "replying to": f"{post.get_absolute_url()}?replytocom={comment.pk}",
        "library": reverse("documents:library"),
        "paper": paper.get_absolute_url(),
    }
    for name, url in pages.items():
        html = page(client, url)
        assert RLO in html, f"{name}: the hostile text is not on the page at all"
        assert exposed_overrides(html) == [], name


def test_the_moderation_confirmation_isolates_the_name_and_title(
    client, hostile, settings, django_user_model
):
    _post, comment, _paper = hostile
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.PENDING)
    moderator = make_staff(django_user_model, "Moderators", "morgan")
    client.force_login(moderator)

    html = page(client, action_url(comment, "approve", moderator).removeprefix(settings.SITE_URL))

    assert NAME in html and TITLE in html
    assert exposed_overrides(html) == []


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:comments_comment_changelist",
        "admin:news_post_changelist",
        "admin:documents_document_changelist",
    ],
)
def test_admin_change_lists_isolate_names_texts_and_titles(admin_client, hostile, changelist):
    html = page(admin_client, reverse(changelist))

    assert RLO in html
    assert exposed_overrides(html) == []


def test_admin_pages_written_from_str_isolate_names_and_titles(admin_client, hostile):
    """The admin's own headings, breadcrumbs, messages, history and delete confirmation show
    `str(obj)`: the name or title in it is isolated too."""
    post, comment, paper = hostile
    pages = {}
    for obj, name in (
        (post, "news_post"),
        (paper, "documents_document"),
        (comment, "comments_comment"),
    ):
        for view in ("change", "history", "delete"):
            pages[f"{name} {view}"] = reverse(f"admin:{name}_{view}", args=[obj.pk])
    pages["post filter"] = reverse("admin:comments_comment_changelist")
    for label, url in pages.items():
        html = page(admin_client, url)
        assert RLO in html, f"{label}: the hostile text is not on the page at all"
        assert exposed_overrides(html) == [], label

    # The message after a save names the post: "The post “…” was changed successfully."
    response = admin_client.post(
        reverse("admin:news_post_changelist"),
        {"action": "publish", "_selected_action": [post.pk]},
        follow=True,
    )
    assert exposed_overrides(response.content.decode()) == []


def test_the_checker_finds_an_override_left_bare():
    assert exposed_overrides(f"<p>Reply by <strong>{NAME}</strong> today</p>")
    assert not exposed_overrides(f"<p>Reply by <strong><bdi>{NAME}</bdi></strong> today</p>")
    assert not exposed_overrides(f'<p dir="auto">{NAME}</p><title>{NAME}</title>')
    assert exposed_overrides(f'<html dir="ltr"><body><p>By {NAME} today</p></body></html>')
    assert not exposed_overrides(f'<a>Reply<span class="visually-hidden"> to {NAME}</span></a>')
    assert not exposed_overrides(f"<p>The post “\u2068{TITLE}\u2069” was changed.</p>")
    assert exposed_overrides(f"<p>The post “\u2068{TITLE}” was changed.</p>")
