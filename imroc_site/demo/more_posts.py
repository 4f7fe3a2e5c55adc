"""More demo posts, so every kind of page has something to show: news, events, tags, an image."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from PIL import Image, ImageDraw

LONDON = ZoneInfo("Europe/London")


def next_open_day() -> datetime:
    """A Saturday about a month ahead at 10:00 UK time, so the demo always has an upcoming event."""
    day = timezone.localdate() + timedelta(days=30)
    day += timedelta(days=(5 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON)


def demo_image() -> bytes:
    """A calm abstract picture (soft hills under a sky), drawn here: no file to ship or fetch."""
    width, height = 1600, 900
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = y / height
        draw.line([(0, y), (width, y)], fill=(int(200 - 90 * shade), int(225 - 60 * shade), 235))
    draw.ellipse([1150, 120, 1350, 320], fill=(255, 214, 120))
    for offset, colour in ((520, (58, 120, 98)), (620, (36, 94, 86)), (720, (11, 85, 99))):
        draw.ellipse([-400, offset, width * 0.7, offset + 700], fill=colour)
        draw.ellipse([width * 0.3, offset + 40, width + 400, offset + 760], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def more_posts() -> list[dict]:
    open_day = next_open_day()
    return [
        {
            "slug": "recovery-college-open-day",
            "title": "Recovery College open day",
            "category": "events",
            "tags": ["Recovery", "Recovery colleges"],
            "published_at": timezone.now() - timedelta(days=3),
            "event_start": open_day,
            "event_end": open_day + timedelta(hours=6),
            "event_location": "Nottingham Recovery College, Nottingham",
            "excerpt": "Come and meet the tutors and students of a Recovery College, try a "
            "taster session and find out how co-produced courses are made.",
            "paragraphs": [
                "Recovery Colleges offer courses about mental health and recovery, designed and "
                "taught together by people with lived experience and by professionals.",
                "At our open day you can sit in on taster sessions, talk to peer trainers and "
                "ask how a college could work in your organisation. Everyone is welcome; the "
                "building is step-free and there is a quiet room.",
            ],
        },
        {
            "slug": "peer-support-workers-conference-2013",
            "title": "Peer support workers conference",
            "category": "events",
            "tags": ["Peer support"],
            "published_at": datetime(2013, 9, 2, 9, 0, tzinfo=LONDON),
            "event_start": datetime(2013, 10, 17, 9, 30, tzinfo=LONDON),
            "event_end": datetime(2013, 10, 17, 16, 30, tzinfo=LONDON),
            "event_location": "London",
            "excerpt": "A day for peer support workers and the teams around them to share "
            "what works.",
            "paragraphs": [
                "Peer support workers bring their own experience of mental health challenges to "
                "their work. This conference brought together peer workers, their supervisors "
                "and managers from ImROC sites across the country.",
                "Workshops covered supervision, training, and how teams change when peer workers "
                "join them.",
            ],
        },
        {
            "slug": "ten-organisational-challenges",
            "title": "The ten organisational challenges, revisited",
            "category": "news",
            "tags": ["Recovery", "Briefing papers"],
            "published_at": datetime(2015, 2, 10, 9, 0, tzinfo=LONDON),
            "image_alt": "Soft green hills under a pale blue sky with a low sun.",
            "excerpt": "What organisations have learnt from working through the ten "
            "organisational challenges.",
            "paragraphs": [
                "The ten organisational challenges describe what an organisation needs to change "
                "to support the recovery of the people who use its services.",
                "Looking back at the sites that have used them, three lessons stand out: start "
                "with the people who use services, change the workforce as well as the "
                "policies, and measure what matters to people's lives.",
            ],
        },
        {
            "slug": "welcome-to-our-new-sites",
            "title": "Welcome to our new implementation sites",
            "category": "news",
            "tags": ["Co-production"],
            "published_at": datetime(2014, 6, 5, 9, 0, tzinfo=LONDON),
            "excerpt": "Six more organisations join the programme this year.",
            "paragraphs": [
                "We are pleased to welcome six organisations to the programme, from NHS trusts "
                "to voluntary sector partners.",
                "Each will work with us on a plan of its own, co-produced with the people who "
                "use its services and their families.",
            ],
        },
    ]
