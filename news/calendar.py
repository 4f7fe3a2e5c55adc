"""Events as iCalendar: one .ics file per event, and a feed of upcoming events to subscribe to."""

from datetime import UTC, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event, vDuration

from news.freshness import conditional_on_content
from news.models import Post

CONTENT_TYPE = "text/calendar; charset=utf-8"
# How often subscribed calendar apps should fetch the events feed again.
REFRESH_INTERVAL = timedelta(hours=6)


@require_safe
@conditional_on_content
def upcoming_events(request):
    """Every published event that has not finished yet, for calendar apps to subscribe to."""
    calendar = _calendar(f"{settings.SITE_NAME} events")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    # An X- property has no known type: give the duration's text form ("PT6H") ourselves.
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL).to_ical().decode())
    for post in Post.objects.published().upcoming_events():
        calendar.add_component(_event(post, request))
    return HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)


@require_safe
@conditional_on_content
def event(request, slug):
    """One published event, to add to a calendar; 404 for other posts."""
    post = get_object_or_404(Post.objects.published().events(), slug=slug)
    calendar = _calendar(post.title)
    calendar.add_component(_event(post, request))
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{post.slug}.ics"'
    return response


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
    event.add("dtstart", post.event_start.astimezone(UTC))
    if post.event_end:
        event.add("dtend", post.event_end.astimezone(UTC))
    event.add("summary", post.title)
    event.add("description", post.summary)
    if post.event_location:
        event.add("location", post.event_location)
    event.add("url", request.build_absolute_uri(post.get_absolute_url()))
    return event
