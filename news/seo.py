"""Structured data (schema.org JSON-LD) describing posts and events to search engines."""

from django.conf import settings
from django.utils.html import strip_tags


def post_structured_data(post, request, image_url: str = "") -> list[dict]:
    url = request.build_absolute_uri(post.get_absolute_url())
    organisation = {"@type": "Organization", "name": settings.SITE_NAME}
    author = {"@type": "Person", "name": post.author_name} if post.author else organisation
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": post.title[:110],
        "description": strip_tags(post.summary),
        "datePublished": post.published_at,
        "dateModified": post.updated_at,
        "author": author,
        "publisher": organisation,
        "mainEntityOfPage": url,
        "articleSection": post.category.name,
        "keywords": [tag.name for tag in post.tags.all()],
    }
    if image_url:
        article["image"] = request.build_absolute_uri(image_url)
    data = [article]
    if post.is_event:
        data.append(_event(post, url, organisation))
    return data


def _event(post, url, organisation) -> dict:
    online = post.event_location.strip().lower() == "online"
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": post.title,
        "description": strip_tags(post.summary),
        "startDate": post.event_start,
        "url": url,
        "organizer": organisation,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/"
        + ("OnlineEventAttendanceMode" if online else "OfflineEventAttendanceMode"),
    }
    if post.event_end:
        event["endDate"] = post.event_end
    if online:
        event["location"] = {"@type": "VirtualLocation", "url": url}
    elif post.event_location:
        event["location"] = {
            "@type": "Place",
            "name": post.event_location,
            "address": post.event_location,
        }
    return event
