"""Events as iCalendar: one .ics file per event, and a feed of upcoming events to subscribe to.

The files only; news.views.events_ics and news.views.event_ics answer with them.
"""

from datetime import UTC, timedelta

from django.conf import settings
from icalendar import Calendar, Event, vDuration

from news.models import Post

CONTENT_TYPE = "text/calendar; charset=utf-8"
# How often subscribed calendar apps should fetch the events feed again.
REFRESH_INTERVAL = timedelta(hours=6)


def upcoming_events_calendar(posts, request) -> bytes:
    """A calendar of the given events, for calendar apps to subscribe to and refresh."""
    calendar = _calendar(f"{settings.SITE_NAME} events")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    # An X- property has no known type: give the duration's text form ("PT6H") ourselves.
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL).to_ical().decode())
    for post in posts:
        calendar.add_component(_event(post, request))
    return calendar.to_ical()


def event_calendar(post: Post, request) -> bytes:
    """One event as a calendar file, to add to a calendar."""
    calendar = _calendar(post.title)
    calendar.add_component(_event(post, request))
    return calendar.to_ical()


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//News and events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(post: Post, request) -> Event:
    # Times in UTC: every calendar app understands them and shows them in its own time zone,
    # with no VTIMEZONE definition of Europe/London to carry along.
    event = Event()
    # The primary key, not the slug: the event stays the same event when staff rename it.
    # The host without its port, so the same event keeps one identity in calendars.
    event.add("uid", f"post-{post.pk}@{request.get_host().rsplit(':', 1)[0]}")
    # Without a METHOD, DTSTAMP is when the event's information last changed (RFC 5545 3.8.7.2),
    # which also keeps the file's bytes, and so its ETag, the same until the post changes.
    event.add("dtstamp", post.updated_at.astimezone(UTC))
    event.add("last-modified", post.updated_at.astimezone(UTC))
    assert post.event_start is not None  # nosec B101 # only events: Post.objects.events()
    event.add("dtstart", post.event_start.astimezone(UTC))
    if post.event_end:
        event.add("dtend", post.event_end.astimezone(UTC))
    event.add("summary", post.title)
    event.add("description", post.summary)
    if post.event_location:
        event.add("location", post.event_location)
    event.add("url", request.build_absolute_uri(post.get_absolute_url()))
    return event
