import io
import re
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from comments.models import Comment
from documents.models import Document
from imroc_site.demo.pdf import make_pdf
from news.models import Attachment, Post

pytestmark = pytest.mark.django_db

SLUG = "recovery-the-business-case-and-co-production"


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo_content", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [Post, Document, Attachment, Comment, get_user_model()]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def post():
    load()
    return Post.objects.get(slug=SLUG)


def test_second_run_creates_nothing():
    first = load()
    before = counts()
    second = load()

    assert "created 5 posts, 2 papers, 2 attachments, 3 comments" in first
    assert "created nothing" in second
    assert counts() == before
    assert before == {"Post": 5, "Document": 2, "Attachment": 2, "Comment": 3, "User": 0}


def test_demo_shows_both_categories_an_upcoming_event_tags_and_an_image(client):
    load()
    home = client.get(reverse("news:home")).content.decode()

    assert "Upcoming events" in home and "Recovery College open day" in home
    assert Post.objects.published().filter(category__slug="news").count() >= 3
    assert Post.objects.published().filter(category__slug="events").count() == 2
    assert Post.objects.published().upcoming_events().count() == 1
    assert Post.objects.filter(tags__name="Recovery").count() >= 2
    pictured = Post.objects.exclude(image="").get()
    assert pictured.image_alt and pictured.image_width == 1600


def test_post_page_shows_post_papers_and_approved_reply(client, post):
    response = client.get(post.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert post.is_public and post.published_at.year == 2014
    assert "rigorously demonstrates the effectiveness" in post.body
    assert "rigorously demonstrates the effectiveness" in html
    assert post.signature == "ImROC team" and "ImROC team" in html
    assert re.findall(r"<a\b[^>]*>\s*(Download \(.*?\))\s*</a>", html) == [
        "Download (PDF, 375KB)",
        "Download (PDF, 295KB)",
    ]
    assert "Sarah Mitchell" in html
    assert "Tom Reid" not in html
    assert "poster for our team room" not in html


def test_papers_are_real_pdfs_in_order(post):
    documents = [attachment.document for attachment in post.attachments.order_by("position")]

    assert [document.title for document in documents] == [
        "Recovery: the Business Case",
        "Co-production – Sharing Our Experiences, Reflecting on Our Learning",
    ]
    for document, kilobytes in zip(documents, [375, 295], strict=True):
        assert abs(document.size - kilobytes * 1024) <= 300
        with document.file.open("rb") as stream:
            reader = PdfReader(io.BytesIO(stream.read()), strict=True)
        assert len(reader.pages) >= 2
        assert reader.metadata.title == document.title


def test_a_threaded_discussion_with_one_reply_pending(post):
    statuses = dict(post.comments.values_list("name", "status"))

    assert statuses == {
        "Sarah Mitchell": "approved",
        "James Okafor": "approved",
        "Tom Reid": "pending",
    }
    assert post.comments.get(name="James Okafor").parent.name == "Sarah Mitchell"


def test_make_pdf_hits_size_deterministically():
    title = "Co-production – Sharing (Our) Experiences \\ everyone’s"
    paragraphs = ["Recovery – everyone’s (shared) work. " * 20, "A second paragraph."]

    for target in (6_000, 50_000, 300_000):
        data = make_pdf(title, paragraphs, target)
        assert abs(len(data) - target) <= 300
        assert data == make_pdf(title, paragraphs, target)
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert reader.metadata.title == title
    assert "Recovery – everyone’s (shared) work." in reader.pages[1].extract_text()


@pytest.fixture
def demo_admin_settings(settings, tmp_path):
    """The demo admin's settings at their defaults (nothing in the environment), var/ in tmp."""
    settings.VAR_DIR = tmp_path
    settings.DEMO_ADMIN_USERNAME = "admin"
    settings.DEMO_ADMIN_PASSWORD = ""
    settings.PORT = 8000
    return settings


def test_admin_with_password_from_environment(client, demo_admin_settings, tmp_path):
    # The settings read DEMO_ADMIN_PASSWORD and PORT from the environment (see .env.example).
    demo_admin_settings.DEMO_ADMIN_PASSWORD = "correct-horse-battery"
    demo_admin_settings.PORT = 8123

    output = load("--admin")

    assert "Admin: http://127.0.0.1:8123/admin/  user: admin  password: correct-horse-battery" in (
        output
    )
    assert get_user_model().objects.get(username="admin").is_superuser
    assert client.login(username="admin", password="correct-horse-battery")
    assert not (tmp_path / "demo-admin-password").exists()


def test_admin_with_generated_password_kept_in_file(client, demo_admin_settings, tmp_path):
    first, second = load("--admin"), load("--admin")

    password_file = tmp_path / "demo-admin-password"
    password = password_file.read_text().strip()
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    line = f"Admin: http://127.0.0.1:8000/admin/  user: admin  password: {password}"
    assert line in first and line in second
    assert client.login(username="admin", password=password)

    password_file.unlink()
    assert "manage.py changepassword admin" in load("--admin")
