"""Events as iCalendar: one file per event and the upcoming events' feed."""

from datetime import datetime, timedelta

import icalendar
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.freshness import forget_moments
from news.models import Category
from tests.factories import make_post
from tests.news.conftest import LONDON, SERVER, get_calendar, make_event

pytestmark = pytest.mark.django_db


def test_an_event_as_a_calendar_file(client):
    start = datetime(2030, 5, 14, 10, 0, tzinfo=LONDON)
    post = make_event(
        "Recovery college open day",
        event_start=start,
        event_end=start + timedelta(hours=6),
        event_location="Nottingham, NG1 1AA",
        excerpt="Come & see; meet the tutors.",
    )
    post.refresh_from_db()

    response = client.get(reverse("news:event_ics", kwargs={"slug": post.slug}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="{post.slug}.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert "ImROC" in calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == "Recovery college open day"
    (event,) = calendar.events
    assert event["UID"] == f"post-{post.pk}@testserver"
    assert event.start == start and event.end == start + timedelta(hours=6)
    assert event.start.utcoffset() == timedelta(0)  # UTC: no time zone definition needed
    assert event.stamp == post.updated_at.replace(microsecond=0)
    assert event["SUMMARY"] == "Recovery college open day"
    assert event["DESCRIPTION"] == "Come & see; meet the tutors."
    assert event["LOCATION"] == "Nottingham, NG1 1AA"
    assert event["URL"] == f"{SERVER}{post.get_absolute_url()}"


def test_calendar_description_is_plain_text(client):
    post = make_event(
        "Talk", starts_in_days=3, body="<p>Fish &amp; <em>chips</em></p><p>tonight</p>"
    )

    calendar = get_calendar(client, reverse("news:event_ics", kwargs={"slug": post.slug}))

    assert calendar.events[0]["DESCRIPTION"] == "Fish & chips tonight"


def test_an_event_keeps_its_uid_when_renamed(client):
    post = make_event("Before", starts_in_days=3)
    url = reverse("news:events_ics")
    before = get_calendar(client, url).events[0]["UID"]

    post.title, post.slug = "After", "after"
    post.save()

    assert get_calendar(client, url).events[0]["UID"] == before


def test_event_without_end_or_location(client):
    post = make_event("Drop-in", starts_in_days=3)

    (event,) = get_calendar(client, reverse("news:event_ics", kwargs={"slug": post.slug})).events

    assert "DTEND" not in event and "LOCATION" not in event


def test_only_event_posts_have_a_calendar_file(client):
    post = make_post(title="Plain news")

    assert client.get(reverse("news:event_ics", kwargs={"slug": post.slug})).status_code == 404
    assert client.get(reverse("news:event_ics", kwargs={"slug": "nope"})).status_code == 404


def test_events_calendar_lists_upcoming_events_soonest_first(client):
    now = timezone.now()
    make_event("Later", starts_in_days=30)
    make_event("Sooner", starts_in_days=2)
    make_event("Under way", starts_in_days=-1, event_end=now + timedelta(days=1))
    make_event("Over", starts_in_days=-3, event_end=now - timedelta(days=2))
    make_event("Long past", starts_in_days=-40)
    make_post(title="Not an event")

    calendar = get_calendar(client, reverse("news:events_ics"))

    assert calendar["X-WR-CALNAME"] == "ImROC events"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    summaries = [str(event["SUMMARY"]) for event in calendar.events]
    assert summaries == ["Under way", "Sooner", "Later"]
    assert "Content-Disposition" not in client.get(reverse("news:events_ics"))


def test_calendar_feed_properties_are_well_formed(client, settings):

    settings.ALLOWED_HOSTS = ["example.org"]
    make_post(
        title="Open day",
        category=Category.objects.get(slug="events"),
        event_start=timezone.now() + timedelta(days=3),
    )
    body = client.get(reverse("news:events_ics"), HTTP_HOST="example.org:8080").content.decode()

    assert "X-PUBLISHED-TTL:PT6H" in body
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in body
    assert "@example.org\r\n" in body and "8080" not in body.split("UID:")[1].split("\r\n")[0]


def test_an_event_finishing_changes_the_events_calendar(client):
    ends = timezone.now() + timedelta(hours=1)
    make_event("Later", starts_in_days=10)
    make_event("Finishing", starts_in_days=-1, event_end=ends)
    url = reverse("news:events_ics")
    first = client.get(url)

    # An hour later the event is over, and nobody saved anything.
    with time_machine.travel(ends + timedelta(minutes=1)):
        response = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 200
    assert b"Finishing" not in response.content


def test_events_calendar_queries_do_not_grow_with_events(client, django_assert_max_num_queries):
    url = reverse("news:events_ics")
    make_event("First", starts_in_days=1)
    client.get(url)
    forget_moments()  # as after the change below, the posts' moments are read (news/freshness.py)
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    for day in range(20):
        make_event(f"Event {day}", starts_in_days=day + 2)
    with django_assert_max_num_queries(len(few)):
        assert len(get_calendar(client, url).events) == 21
