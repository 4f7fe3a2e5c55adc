"""The demo's first post as it appeared in 2014: its papers and the replies it received (data)."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
SEED_POST = Path(__file__).resolve().with_name("seed_post.txt")
POST_SLUG = "recovery-the-business-case-and-co-production"
PUBLISHED_AT = datetime(2014, 3, 12, 10, 0, tzinfo=LONDON)
KB = 1024

PAPERS = [
    {
        "title": "Recovery: the Business Case",
        "filename": "recovery-the-business-case.pdf",
        "size": 375 * KB,
        "paragraphs": [
            "This briefing paper sets out the evidence that services which support people with "
            "mental health conditions in their own Recovery are not only ethical but effective "
            "and efficient.",
            "It reviews interventions that make a measurable difference, among them peer support "
            "workers, Recovery Colleges, personal budgets, supported employment and joint crisis "
            "plans, and weighs what each costs against what it saves.",
            "The findings validate the ImROC ten organisational challenges as a framework for "
            "change. Organisations that work through them reduce the need for lengthy, unplanned "
            "and crisis-led admissions, which matters all the more in a time of financial "
            "austerity.",
            "The paper closes with questions that boards, commissioners and clinical teams can "
            "use to judge how far their own services have come, and where to invest next.",
        ],
    },
    {
        "title": "Co-production – Sharing Our Experiences, Reflecting on Our Learning",
        "filename": "co-production-sharing-our-experiences.pdf",
        "size": 295 * KB,
        "paragraphs": [
            "Coproduction is a term we frequently hear and use. This paper asks what it means in "
            "practice: recognising everyone’s assets, building mutually respectful relationships "
            "and actively reducing traditional power imbalances.",
            "It draws on the experience of ImROC sites where people who use services, their "
            "families and staff have designed and delivered courses, services and training "
            "together, and it is honest about what proved hard.",
            "Co-production is not a single meeting or a consultation exercise. It is a way of "
            "working that shows in every interaction and every conversation, from the first "
            "contact with a service to the way its board sets priorities.",
            "Top Ten Tips for Coproduction, on page 19, offer practical points to keep in mind "
            "when starting out or when taking existing work further.",
        ],
    },
]

COMMENTS = [
    {
        "name": "Sarah Mitchell",
        "email": "sarah.mitchell@example.org",
        "text": "Thank you for sharing these. The business case paper arrived at just the right "
        "time for us: our trust board has been asking whether peer support is worth the "
        "investment, and having the evidence set out this clearly will help us make the "
        "case.\n\nIt is also a good reminder that Recovery is about people’s lives, not "
        "only about bed days.",
        "submitted_at": datetime(2014, 3, 13, 9, 24, tzinfo=LONDON),
        "approved": True,
    },
    {
        "name": "James Okafor",
        "email": "james.okafor@example.org",
        "text": "Same here, Sarah. Our board found the section on Recovery Colleges the most "
        "persuasive: happy to share the summary we wrote for them if it would help.",
        "submitted_at": datetime(2014, 3, 13, 18, 40, tzinfo=LONDON),
        "approved": True,
        "reply_to": "Sarah Mitchell",
    },
    {
        "name": "Tom Reid",
        "email": "tom.reid@example.org",
        "text": "The Top Ten Tips on page 19 look really useful. Would it be all right to "
        "reproduce them on a poster for our team room, with credit to ImROC?",
        "submitted_at": datetime(2014, 3, 14, 16, 5, tzinfo=LONDON),
        "approved": False,
    },
]
