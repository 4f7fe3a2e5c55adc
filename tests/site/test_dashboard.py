"""The admin's home page, the staff dashboard: what needs each member of staff, by role."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from documents.models import Document, DownloadDay
from news.models import Post
from tests.factories import make_comment, make_document, make_post, make_staff

pytestmark = pytest.mark.django_db

HOME = "/admin/"


def _paper(title, *, problems=(), downloads=()):
    paper = make_document(title=title, name=f"{title.lower().replace(' ', '-')}.pdf")
    Document.objects.filter(pk=paper.pk).update(
        accessibility={"problems": list(problems)}, download_count=sum(downloads)
    )
    today = timezone.localdate()
    for days_ago, count in enumerate(downloads):
        DownloadDay.objects.create(
            document=paper, day=today - timedelta(days=days_ago), count=count
        )
    return paper


@pytest.fixture
def site_content(django_user_model):
    """Some of everything the dashboard lists, and a moderator's decision."""
    make_post(title="Draft about budgets", status=Post.Status.DRAFT)
    make_post(title="Scheduled open day", published_at=timezone.now() + timedelta(days=3))
    make_post(title="Published annual report", days_ago=2)
    _paper("Untagged paper", problems=["No tags"], downloads=[4, 0, 3])
    _paper("Tidy paper", downloads=[1])
    post = make_post(title="Post with replies")
    make_comment(
        post, status=Comment.Status.PENDING, submitted_at=timezone.now() - timedelta(days=3)
    )
    make_comment(post, status=Comment.Status.PENDING)
    moderator = make_staff(django_user_model, "Moderators", "morris")
    decided = make_comment(post, name="Decided Visitor")
    Comment.objects.filter(pk=decided.pk).update(
        moderated_by=moderator, moderated_at=timezone.now()
    )
    return moderator


def _home(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_editors_see_their_posts_and_papers_to_fix_not_the_replies(
    client, site_content, django_user_model
):
    html = _home(client, make_staff(django_user_model, "Editors", "edith"))

    assert "Draft about budgets" in html
    assert "Scheduled open day" in html and "Goes live" in html
    assert "Published annual report" in html
    assert "Papers missing accessibility items" in html
    assert (
        "Untagged paper"
        in html.split("Papers missing accessibility items")[1].split("</section>")[0]
    )
    assert (
        "Tidy paper"
        not in html.split("Papers missing accessibility items")[1].split("</section>")[0]
    )
    assert "Replies waiting" not in html and "Decided Visitor" not in html


def test_moderators_see_the_queue_its_oldest_age_and_last_decisions(client, site_content):
    html = _home(client, site_content).replace("\xa0", " ")

    assert "<strong>2</strong> replies waiting for a decision" in html
    assert "the oldest has waited 3 days" in html
    assert "Decided Visitor" in html and "morris" in html
    assert "Draft about budgets" not in html
    assert "Papers missing accessibility items" not in html


def test_everyone_sees_downloads_per_day_as_svg_with_a_table_and_the_top_papers(
    client, site_content
):
    html = _home(client, site_content)  # a moderator: no permission on papers

    assert '<svg role="img"' in html and "<table>" in html
    assert "<strong>8</strong> downloads in the last 90 days" in html
    ranked = html.split("Downloaded most")[1]
    assert ranked.index("Untagged paper") < ranked.index("Tidy paper")
    assert reverse("admin:documents_document_changelist") not in ranked  # not theirs to open


def test_the_app_list_stays_below_the_dashboard(client, site_content, django_user_model):
    html = _home(client, make_staff(django_user_model, "Editors", "edith"))

    assert html.index("Downloads of papers") < html.index("Everything you can manage")
    assert reverse("admin:news_post_changelist") in html.split("Everything you can manage")[1]


def test_the_dashboard_costs_the_same_queries_however_much_there_is(client, admin_user):
    client.force_login(admin_user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    before = queries()
    for number in range(6):
        post = make_post(
            title=f"Extra {number}",
            status=Post.Status.DRAFT if number % 2 else Post.Status.PUBLISHED,
        )
        make_comment(post, status=Comment.Status.PENDING)
        _paper(f"Extra paper {number}", problems=["No tags"], downloads=[number + 1, 2])
    after = queries()

    assert after == before
    assert after <= 20, f"the dashboard took {after} queries"
