"""Fill an empty site with the 2014 ImROC briefing-papers post, its two papers and two replies."""

import os
import secrets
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.html import escape

from comments.models import Comment
from comments.services import moderate, submit_comment
from documents.ingest import ingest_upload
from documents.models import Document
from imroc_site.demo.more_posts import demo_image, more_posts
from imroc_site.demo.pdf import make_pdf
from news.models import Attachment, Category, Post
from news.services import save_post

LONDON = ZoneInfo("Europe/London")
SEED_POST = Path(__file__).resolve().parents[2] / "demo" / "seed_post.txt"
POST_SLUG = "recovery-the-business-case-and-co-production"
KB = 1024
NEWS = "news"

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


class Command(BaseCommand):
    help = (
        "Load the demo news post, its two PDF papers and three replies. Safe to run again: "
        "anything already there is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--author", help="Username of an existing user to credit the post to.")
        parser.add_argument(
            "--admin",
            action="store_true",
            help="Also ensure a demo superuser (env DEMO_ADMIN_USERNAME, DEMO_ADMIN_PASSWORD) "
            "and print how to log in.",
        )

    def handle(self, *args, author=None, admin=False, **options):
        self.tally = {True: Counter(), False: Counter()}  # created? -> kind -> how many
        with transaction.atomic():
            post = self.load_post(author)
            for position, paper in enumerate(PAPERS):
                self.load_paper(post, position, paper)
            for comment in COMMENTS:
                self.load_comment(post, comment)
            for fields in more_posts():
                self.load_more_post(fields, author)
            login = self.ensure_admin() if admin else None
        self.stdout.write(
            f"Demo content: created {self.describe(True)}; already there: {self.describe(False)}."
        )
        if login:
            self.stdout.write(login)

    def count(self, created: bool, kind: str) -> None:
        self.tally[created][kind] += 1

    def describe(self, created: bool) -> str:
        parts = [f"{n} {kind}{'s' * (n != 1)}" for kind, n in self.tally[created].items()]
        return ", ".join(parts) or "nothing"

    def load_post(self, author_name):
        author = None
        if author_name:
            author = get_user_model().objects.filter(username=author_name).first()
            if author is None:
                self.stderr.write(f"No user named “{author_name}”: the post has no author.")
        title, _, body = SEED_POST.read_text(encoding="utf-8").partition("\n\n")
        paragraphs = [paragraph.strip() for paragraph in body.strip().split("\n\n")]
        post, created = Post.objects.get_or_create(
            slug=POST_SLUG,
            defaults={
                "title": title.strip(),
                "body": "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs),
                "excerpt": paragraphs[0].split(". ", 1)[0] + ".",
                "category": Category.objects.get(slug=NEWS),
                "signature": "ImROC team",
                "author": author,
                "status": Post.Status.PUBLISHED,
                "published_at": datetime(2014, 3, 12, 10, 0, tzinfo=LONDON),
            },
        )
        self.count(created, "post")
        return post

    def load_more_post(self, fields, author_name):
        fields = dict(fields)
        tags = fields.pop("tags")
        paragraphs = fields.pop("paragraphs")
        category = Category.objects.get(slug=fields.pop("category"))
        if Post.objects.filter(slug=fields["slug"]).exists():
            self.count(False, "post")
            return
        post = Post(
            **fields,
            category=category,
            body="".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs),
            status=Post.Status.PUBLISHED,
            author=get_user_model().objects.filter(username=author_name or "").first(),
        )
        if post.image_alt:
            post.image.save("demo-hills.jpg", ContentFile(demo_image()), save=False)
        post.full_clean()
        save_post(post, by=None)
        post.tags.add(*tags)
        self.count(True, "post")

    def load_paper(self, post, position, paper):
        document = Document.objects.filter(title=paper["title"]).first()
        self.count(document is None, "paper")
        if document is None:
            pdf = make_pdf(paper["title"], paper["paragraphs"], paper["size"])
            document = ingest_upload(
                Document(title=paper["title"]), ContentFile(pdf, name=paper["filename"]), by=None
            )
        _, created = Attachment.objects.get_or_create(
            post=post, document=document, defaults={"position": position}
        )
        self.count(created, "attachment")

    def load_comment(self, post, comment):
        exists = Comment.objects.filter(
            post=post, name=comment["name"], email=comment["email"]
        ).exists()
        self.count(not exists, "comment")
        if exists:
            return
        parent = None
        if comment.get("reply_to"):
            parent = Comment.objects.filter(post=post, name=comment["reply_to"]).first()
        saved = submit_comment(
            post=post,
            parent=parent,
            name=comment["name"],
            email=comment["email"],
            website="",
            text=comment["text"],
            ip_address=None,
            reason="Demo content",
        )
        # Dated just after the post, so the thread reads naturally under a 2014 post.
        replies = Comment.objects.filter(pk=saved.pk)
        replies.update(submitted_at=comment["submitted_at"])
        if comment["approved"]:
            moderate(replies, status=Comment.Status.APPROVED, by=None)

    def ensure_admin(self) -> str:
        username = settings.DEMO_ADMIN_USERNAME
        password = settings.DEMO_ADMIN_PASSWORD
        password_file = Path(settings.VAR_DIR) / "demo-admin-password"
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = user.is_active = True
        if password:
            user.set_password(password)
        elif password_file.exists():
            password = password_file.read_text(encoding="utf-8").strip()
            if created:
                user.set_password(password)
        elif created:
            password = secrets.token_urlsafe(12)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            # Created private rather than chmod-ed afterwards: never readable by others.
            fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with open(fd, "w", encoding="utf-8") as stream:
                stream.write(password + "\n")
            password_file.chmod(0o600)
            user.set_password(password)
        user.save()
        self.count(created, "admin user")
        url = f"http://127.0.0.1:{settings.PORT}/admin/"
        reset = f"reset it with: manage.py changepassword {username}"
        if not password:
            return (
                f"Admin: {url}  user: {username}  password: unknown (not in env or file); {reset}"
            )
        if not user.check_password(password):
            return (
                f"Admin: {url}  user: {username}  password: {password_file} is out of date; {reset}"
            )
        return f"Admin: {url}  user: {username}  password: {password}"
