"""Pages answer 304 until something they show changes, whoever or whatever changes it."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from documents.models import Document
from news.models import Category
from tests.factories import attach, make_comment, make_document, make_post
from tests.news.conftest import make_event

pytestmark = pytest.mark.django_db


def test_pages_answer_304_when_nothing_changed(client):
    post = make_post()
    for url in (reverse("news:home"), reverse("news:post_list"), post.get_absolute_url()):
        first = client.get(url)
        assert first["Last-Modified"] and first["ETag"]
        assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
        since = {"If-Modified-Since": first["Last-Modified"]}
        assert client.get(url, headers=since).status_code == 304


def test_a_change_makes_pages_fresh_again(client):
    post = make_post()
    last_modified = client.get(reverse("news:home"))["Last-Modified"]

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        post.title = "Corrected title"
        post.save()
        response = client.get(reverse("news:home"), headers={"If-Modified-Since": last_modified})

    assert response.status_code == 200 and "Corrected title" in response.content.decode()


def test_a_scheduled_post_appearing_makes_pages_fresh_again(client):
    moment = timezone.now() + timedelta(hours=1)
    make_post(title="Appears later", published_at=moment)
    before = client.get(reverse("news:home"))["Last-Modified"]

    with time_machine.travel(moment + timedelta(seconds=5), tick=False):
        response = client.get(reverse("news:home"), headers={"If-Modified-Since": before})

    assert response.status_code == 200 and "Appears later" in response.content.decode()
    assert response["Last-Modified"] == http_date(moment.timestamp())


def _fresh_after(client, url, change, minutes=5):
    """Whether a change made later answers 200 to a client holding the earlier Last-Modified."""
    since = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 304
    with time_machine.travel(timezone.now() + timedelta(minutes=minutes)):
        change()
        return client.get(url, headers={"If-Modified-Since": since}).status_code == 200


@pytest.mark.parametrize(
    "change",
    ["delete post", "edit paper", "delete reply", "rename category", "tag post"],
)
def test_any_change_shown_on_pages_makes_them_fresh_again(client, change):
    post = make_post(title="Kept")
    doomed = make_post(title="Doomed", days_ago=2)
    paper = make_document(title="A paper")
    attach(post, paper)
    reply = make_comment(post)
    changes = {
        "delete post": doomed.delete,
        "edit paper": lambda: Document.objects.get(pk=paper.pk).save(),
        "delete reply": reply.delete,
        "rename category": lambda: Category.objects.filter(slug="news").first().save(),
        "tag post": lambda: post.tags.add("fresh"),
    }
    assert _fresh_after(client, post.get_absolute_url(), changes[change])


@pytest.mark.parametrize("with_end", [True, False], ids=["its end", "its start, with no end"])
def test_an_event_ending_makes_pages_fresh_again(client, with_end):
    soon = timezone.now() + timedelta(minutes=3)
    if with_end:
        make_event("Short event", event_start=soon - timedelta(hours=1), event_end=soon)
    else:
        make_event("Talk", event_start=soon)
    assert _fresh_after(client, reverse("news:home"), lambda: None, minutes=10)
